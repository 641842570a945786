#include <objpool_catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "json_text.hpp"

using namespace objpool_graphql;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

template <class Json>
std::string nlohmann_text(const Json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("json_text writes what nlohmann's dump writes", "[json_text]") {
    const std::string strings[] = {
        "",
        "plain ascii",
        "quote \" backslash \\ slash /",
        "controls \b\f\n\r\t \x01\x1f and DEL \x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",  // 2-, 3- and 4-byte UTF-8
        "invalid \xff bytes \xc3 and \xed\xa0\x80 surrogate",
        "truncated \xe2\x82",
    };
    for (const auto& text : strings) {
        INFO(text);
        CHECK(json_text(json(text)) == nlohmann_text(json(text)));
        const json keyed = {{text, text}};
        CHECK(json_text(keyed) == nlohmann_text(keyed));
    }
    const json scalars[] = {
        json(),
        json(true),
        json(false),
        json(0),
        json(-1),
        json(std::numeric_limits<std::int64_t>::min()),
        json(std::numeric_limits<std::int64_t>::max()),
        json(std::numeric_limits<std::uint64_t>::max()),
        json(0.5),
        json(1.0),
        json(-2.5e-300),
        json(std::numeric_limits<double>::infinity()),
        json::binary({1, 2, 3}),
    };
    for (const auto& value : scalars) {
        INFO(nlohmann_text(value));
        CHECK(json_text(value) == nlohmann_text(value));
    }
    const json nested =
        json::parse(R"({"b":[1,[],{},[null,{"x":"y\n"}]],"a":{"c":false,"d":[-3]}})");
    CHECK(json_text(nested) == nlohmann_text(nested));
    CHECK(json_text(json::array()) == "[]");
    CHECK(json_text(json::object()) == "{}");
}

TEST_CASE("json_text keeps an ordered_json's member order", "[json_text]") {
    ordered_json response = ordered_json::object();
    response["data"] = ordered_json{{"zeta", 1}, {"alpha", ordered_json::array({"x", nullptr})}};
    response["errors"] = ordered_json::array({ordered_json{{"message", "m"}, {"path", {"zeta"}}}});
    CHECK(json_text(response) ==
          R"({"data":{"zeta":1,"alpha":["x",null]},"errors":[{"message":"m","path":["zeta"]}]})");
    CHECK(json_text(response) == nlohmann_text(response));
}

TEST_CASE("append_json appends to what the string holds", "[json_text]") {
    std::string out = "prefix:";
    append_json(out, json{{"k", 1}});
    CHECK(out == R"(prefix:{"k":1})");
}
