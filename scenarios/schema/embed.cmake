# Turns the scenario JSON Schema into a C++ header so that the program carries it.
file(READ "${SCHEMA_FILE}" SCHEMA_TEXT)
file(WRITE "${OUTPUT_FILE}" "// Generated from scenarios/schema/scenario.schema.json by scenarios/schema/embed.cmake.\n#pragma once\nnamespace shiftsim::inputs {\ninline constexpr const char* kScenarioSchema = R\"SHIFTSIMSCHEMA(${SCHEMA_TEXT})SHIFTSIMSCHEMA\";\n}\n")
