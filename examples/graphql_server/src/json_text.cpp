#include "json_text.hpp"

#include <string_view>

#include "request_checks.hpp"

namespace objpool_graphql {

namespace {

// Everything nlohmann's dump writes as is: printable ASCII but '"' and '\\', and all bytes of
// multi-byte UTF-8 (checked separately). 0x7F is not escaped without ensure_ascii.
bool needs_escape(unsigned char c) noexcept {
    return c < 0x20 || c == '"' || c == '\\';
}

template <class Json>
void append_string(std::string& out, std::string_view text) {
    bool ascii = true;
    bool plain = true;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        ascii = ascii && byte < 0x80;
        plain = plain && !needs_escape(byte);
    }
    if (!ascii && !is_valid_utf8(text)) {
        // Rare (a client's invalid bytes echoed in a message): nlohmann's replacement rules.
        out += Json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    out += '"';
    if (plain) {
        out += text;
    } else {
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            if (!needs_escape(byte)) {
                out += c;
                continue;
            }
            out += '\\';
            switch (c) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '\b':
                    out += 'b';
                    break;
                case '\f':
                    out += 'f';
                    break;
                case '\n':
                    out += 'n';
                    break;
                case '\r':
                    out += 'r';
                    break;
                case '\t':
                    out += 't';
                    break;
                default: {
                    constexpr std::string_view hex = "0123456789abcdef";
                    out += "u00";
                    out += hex[byte >> 4];
                    out += hex[byte & 0xF];
                }
            }
        }
    }
    out += '"';
}

}  // namespace

template <class Json>
void append_json(std::string& out, const Json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::null:
            out += "null";
            return;
        case nlohmann::json::value_t::boolean:
            out += value.template get<bool>() ? "true" : "false";
            return;
        case nlohmann::json::value_t::number_integer:
            append_decimal(out, value.template get<typename Json::number_integer_t>());
            return;
        case nlohmann::json::value_t::number_unsigned:
            append_decimal(out, value.template get<typename Json::number_unsigned_t>());
            return;
        case nlohmann::json::value_t::string:
            append_string<Json>(out, value.template get_ref<const typename Json::string_t&>());
            return;
        case nlohmann::json::value_t::array: {
            out += '[';
            bool first = true;
            for (const Json& item : value.template get_ref<const typename Json::array_t&>()) {
                if (!first)
                    out += ',';
                first = false;
                append_json(out, item);
            }
            out += ']';
            return;
        }
        case nlohmann::json::value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, member] :
                 value.template get_ref<const typename Json::object_t&>()) {
                if (!first)
                    out += ',';
                first = false;
                append_string<Json>(out, key);
                out += ':';
                append_json(out, member);
            }
            out += '}';
            return;
        }
        default:
            // Floats (shortest round-trip digits), binary and discarded values: as nlohmann
            // writes them. The schema's scalars never produce them.
            out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
}

template void append_json(std::string&, const nlohmann::json&);
template void append_json(std::string&, const nlohmann::ordered_json&);

}  // namespace objpool_graphql
