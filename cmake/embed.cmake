# Turns a text file (a stylesheet, a script) into a C++ header holding it as one string, so
# that the program carries it: cmake -DINPUT=... -DOUTPUT=... -DNAME=kName -DNAMESPACE=ns -P embed.cmake
file(READ "${INPUT}" TEXT)
string(FIND "${TEXT}" ")SHIFTSIMEMBED\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the embedding delimiter")
endif()
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${name} by cmake/embed.cmake: edit that file, not this one.\n#pragma once\nnamespace ${NAMESPACE} {\ninline constexpr const char* ${NAME} = R\"SHIFTSIMEMBED(${TEXT})SHIFTSIMEMBED\";\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
