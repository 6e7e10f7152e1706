#include "scenarios/strict_json.hpp"

#include <algorithm>
#include <set>
#include <vector>

namespace shiftsim::inputs {

namespace {

using json = nlohmann::json;

/// "line L, column C" of a byte offset (0-based) in text.
/// Where a number written as `literal` stands in the JSON text: outside every string and
/// not part of a longer number (text.find would also find it inside a string, "1e400").
std::size_t number_literal_at(const std::string& text, const std::string& literal) {
  if (literal.empty()) return std::string::npos;
  auto number_char = [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; };
  bool in_string = false;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      if (c == '\\') ++k;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (text.compare(k, literal.size(), literal) == 0 && (k == 0 || !number_char(text[k - 1])) &&
        (k + literal.size() == text.size() || !number_char(text[k + literal.size()])))
      return k;
  }
  return std::string::npos;
}

std::string position(const std::string& text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < std::min(offset, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

/// JSON pointer escaping (RFC 6901): ~ as ~0, / as ~1.
std::string escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

/// One open object or array while parsing, for the path and the keys seen.
struct Frame {
  bool array = false;
  std::size_t index = 0;  // arrays: the element being read
  std::string key;        // objects: the member being read
  std::set<std::string> keys;
};

std::string path_of(const std::vector<Frame>& frames) {
  std::string p;
  for (const Frame& f : frames) {
    if (f.array) p += "/" + std::to_string(f.index);
    else if (!f.key.empty() || !f.keys.empty()) p += "/" + escape(f.key);
  }
  return p;
}

}  // namespace

json parse_strict_json(const std::string& text) {
  std::vector<Frame> frames;
  // After a value (or a whole object or array) ends inside an array, the next element begins.
  auto element_done = [&] {
    if (!frames.empty() && frames.back().array) ++frames.back().index;
  };
  json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) -> bool {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (static_cast<int>(frames.size()) >= kMaxJsonDepth)
          throw JsonInputError({path_of(frames), "nests objects and arrays more than " + std::to_string(kMaxJsonDepth) +
                                                     " deep (no input of the model needs more than a handful of levels)"});
        frames.push_back({event == json::parse_event_t::array_start, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        Frame& f = frames.back();
        const std::string k = parsed.get<std::string>();
        if (!f.keys.insert(k).second) {
          f.key = k;
          throw JsonInputError({path_of(frames), "is given twice in the same object (a key may appear once; which of the two was meant?)"});
        }
        f.key = k;
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames.pop_back();
        element_done();
        break;
      case json::parse_event_t::value:
        element_done();
        break;
    }
    return true;
  };
  try {
    return json::parse(text, check);
  } catch (const JsonInputError&) {
    throw;
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // The message after nlohmann's "line L, column C: " (its own quote of the text may hold ": ").
    const auto column = what.find("column");
    const auto colon = what.find(": ", column == std::string::npos ? 0 : column);
    if (colon != std::string::npos) what = what.substr(colon + 2);
    throw JsonInputError({"", "is not valid JSON at " + position(text, e.byte > 0 ? e.byte - 1 : 0) + ": " + what});
  } catch (const json::out_of_range& e) {
    // 406: a number that overflows a double; the message quotes its text.
    std::string what = e.what();
    const auto open = what.find('\''), close = what.rfind('\'');
    std::string where;
    if (open != std::string::npos && close > open) {
      const std::string literal = what.substr(open + 1, close - open - 1);
      if (const auto at = number_literal_at(text, literal); at != std::string::npos) where = " at " + position(text, at);
      what = "the number " + literal;
    }
    throw JsonInputError({path_of(frames), what + where + " is outside the range of a double (at most about 1.8e308 in size)"});
  } catch (const json::exception& e) {
    throw JsonInputError({path_of(frames), std::string("is not valid JSON: ") + e.what()});
  }
}

}  // namespace shiftsim::inputs
