// --auth-token-file: the token file's format and read errors, the Authorization header, the
// constant-time comparison, reloads (also racing with checks on other threads), and the handler's
// 401s through RequestHandler::handle.
#include <objpool_catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gql/engine.hpp>
#include <nlohmann/json.hpp>

#include "bearer_auth.hpp"
#include "http_handler.hpp"
#include "memory_store.hpp"
#include "metrics.hpp"
#include "resolvers.hpp"
#include "schema_text.hpp"

using namespace objpool_graphql;
using nlohmann::json;

namespace {

const std::string good_token = "s3cret-Token_1.x~y+z/w==";

// A token file in a fresh temporary directory, removed with the object.
class TempTokenFile {
public:
    explicit TempTokenFile(const std::string& text) {
        // Unique across the test processes ctest runs at once.
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        directory_ =
            std::filesystem::temp_directory_path() / ("objpool-auth-test-" + std::to_string(stamp) +
                                                      "-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory_);
        path_ = (directory_ / "tokens").string();
        write(text);
    }
    ~TempTokenFile() {
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    TempTokenFile(const TempTokenFile&) = delete;
    TempTokenFile& operator=(const TempTokenFile&) = delete;

    // Replaced as a whole (written aside, then renamed), as an operator's editor or a secret
    // manager does, so a reload never reads half a file.
    void write(const std::string& text) const {
        const auto aside = path_ + ".new";
        std::ofstream(aside, std::ios::binary | std::ios::trunc) << text;
        std::filesystem::rename(aside, path_);
    }

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }

private:
    std::filesystem::path directory_;
    std::string path_;
};

std::string parse_error(std::string_view text) {
    try {
        static_cast<void>(parse_token_file(text, "tokens.txt"));
    } catch (const TokenFileError& e) {
        return e.what();
    }
    return "(no error)";
}

std::string load_error(const std::string& path) {
    try {
        static_cast<void>(load_token_file(path));
    } catch (const TokenFileError& e) {
        return e.what();
    }
    return "(no error)";
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

}  // namespace

TEST_CASE("auth: token file format", "[auth]") {
    CHECK(parse_token_file("abc\n", "f") == TokenSet{"abc"});
    CHECK(parse_token_file("abc", "f") == TokenSet{"abc"});
    CHECK(parse_token_file(
              "# rotated 2026-12-03\n\n  first \r\n\tsecond\t\r\n#third\n \n" + good_token + "\r\n",
              "f") == TokenSet{"first", "second", good_token});
    CHECK(parse_token_file("a\na\n", "f") == TokenSet{"a", "a"});
    CHECK(parse_token_file("YWJj\nYQ==\n", "f") == TokenSet{"YWJj", "YQ=="});

    // The line number and the file, never the line.
    const auto inner_space = parse_error("good\n# comment\nnot a-token\n");
    CHECK(contains(inner_space, "tokens.txt: line 3 is not a bearer token"));
    CHECK_FALSE(contains(inner_space, "a-token"));
    CHECK(contains(parse_error("ab=c\n"), "line 1 "));
    CHECK(contains(parse_error("==\n"), "line 1 "));
    CHECK(contains(parse_error("ok\ntoken\"quoted\"\n"), "line 2 "));
    CHECK(contains(parse_error(std::string("nul\0byte\n", 9)), "line 1 "));
    CHECK(contains(parse_error("caf\xc3\xa9\n"), "line 1 "));

    CHECK(contains(parse_error(""), "tokens.txt: holds no token"));
    CHECK(contains(parse_error("\n\r\n  \n"), "holds no token"));
    CHECK(contains(parse_error("# only a comment\n"), "holds no token"));
}

TEST_CASE("auth: token file read errors", "[auth]") {
    const TempTokenFile file("one\ntwo\n");
    CHECK(load_token_file(file.path()) == TokenSet{"one", "two"});

    const auto missing = (file.directory() / "missing").string();
    CHECK(contains(load_error(missing), missing + ": cannot open: No such file or directory"));
    CHECK(contains(load_error(file.directory().string()), ": cannot read: Is a directory"));

    file.write(std::string(1024 * 1024 + 1, 'a'));
    CHECK(contains(load_error(file.path()), "larger than 1048576 bytes"));
    file.write(std::string(1024 * 1024, 'a'));
    CHECK(load_token_file(file.path()).at(0).size() == 1024 * 1024);
}

TEST_CASE("auth: constant_time_equals", "[auth]") {
    CHECK(constant_time_equals("", ""));
    CHECK(constant_time_equals("a", "a"));
    CHECK(constant_time_equals(good_token, good_token));
    CHECK_FALSE(constant_time_equals("abcdef", "Xbcdef"));
    CHECK_FALSE(constant_time_equals("abcdef", "abcdeX"));
    CHECK_FALSE(constant_time_equals("abcdef", "abc"));
    CHECK_FALSE(constant_time_equals("abc", "abcdef"));
    CHECK_FALSE(constant_time_equals("abc", ""));
    CHECK_FALSE(constant_time_equals("", "abc"));
    // Bytes past the expected token compare with NUL, and the lengths still differ.
    CHECK_FALSE(constant_time_equals("abc", std::string("abc\0", 4)));
    CHECK_FALSE(constant_time_equals(std::string("abc\0", 4), "abc"));
    CHECK_FALSE(constant_time_equals("\x80", "\x00"));
    CHECK_FALSE(constant_time_equals("a", "A"));
}

TEST_CASE("auth: the bearer token of an Authorization header", "[auth]") {
    CHECK(bearer_token("Bearer abc") == "abc");
    CHECK(bearer_token("bearer abc") == "abc");
    CHECK(bearer_token("BEARER \t abc  ") == "abc");
    CHECK(bearer_token("  Bearer abc") == "abc");
    CHECK(bearer_token("Bearer a b") == "a b");
    CHECK(bearer_token("Bearer") == "");
    CHECK(bearer_token("Bearer   ") == "");
    CHECK_FALSE(bearer_token("Basic YTpi"));
    CHECK_FALSE(bearer_token("Bearerabc"));
    CHECK_FALSE(bearer_token("abc"));
    CHECK_FALSE(bearer_token(""));
}

TEST_CASE("auth: check and reload", "[auth]") {
    const TempTokenFile file("# two tokens\nfirst\nsecond\n");
    BearerAuth auth(file.path());
    CHECK(auth.size() == 2);
    CHECK(auth.token_file() == file.path());
    CHECK(auth.check("Bearer first") == AuthResult::Accepted);
    CHECK(auth.check("bearer second") == AuthResult::Accepted);
    CHECK(auth.check("Bearer third") == AuthResult::InvalidToken);
    CHECK(auth.check("Bearer firs") == AuthResult::InvalidToken);
    CHECK(auth.check("Bearer first second") == AuthResult::InvalidToken);
    CHECK(auth.check("Bearer") == AuthResult::InvalidToken);
    CHECK(auth.check("Basic Zmlyc3Q6") == AuthResult::NoCredentials);
    CHECK(auth.check("first") == AuthResult::NoCredentials);
    CHECK(auth.check(std::nullopt) == AuthResult::NoCredentials);

    file.write("third\n");
    auto message = auth.reload();
    CHECK(message == file.path() + ": loaded 1 token(s), replacing 2");
    CHECK(auth.size() == 1);
    CHECK(auth.check("Bearer first") == AuthResult::InvalidToken);
    CHECK(auth.check("Bearer third") == AuthResult::Accepted);

    // A file that cannot be used leaves the tokens as they were, and the message says why.
    file.write("# emptied by mistake\n");
    message = auth.reload();
    CHECK(contains(message, "holds no token"));
    CHECK(contains(message, "still accepting the 1 token(s) loaded before"));
    file.write("fourth\nfif th\n");
    message = auth.reload();
    CHECK(contains(message, "line 2 is not a bearer token"));
    CHECK_FALSE(contains(message, "fourth"));
    std::filesystem::remove(file.path());
    CHECK(contains(auth.reload(), "cannot open"));
    CHECK(auth.check("Bearer third") == AuthResult::Accepted);
    CHECK(auth.check("Bearer fourth") == AuthResult::InvalidToken);

    file.write("fourth\n");
    CHECK(auth.reload() == file.path() + ": loaded 1 token(s), replacing 1");
    CHECK(auth.check("Bearer fourth") == AuthResult::Accepted);
}

TEST_CASE("auth: a server refuses to start without usable tokens", "[auth]") {
    const TempTokenFile file("\n# none yet\n");
    CHECK_THROWS_AS(BearerAuth(file.path()), TokenFileError);
    CHECK_THROWS_AS(BearerAuth((file.directory() / "missing").string()), TokenFileError);
}

// Under ThreadSanitizer (the tsan preset) this is the check that reloads and checks on other
// threads do not race: the token presented is in both files, so every check must accept it.
TEST_CASE("auth: reloads while other threads check", "[auth][threads]") {
    const TempTokenFile file("shared\nold\n");
    BearerAuth auth(file.path());
    std::atomic<bool> done{false};
    std::atomic<long> refused{0};
    std::atomic<long> checks{0};
    std::vector<std::thread> checkers;
    for (int t = 0; t < 4; ++t) {
        checkers.emplace_back([&] {
            while (!done.load()) {
                if (auth.check("Bearer shared") != AuthResult::Accepted) {
                    ++refused;
                }
                ++checks;
            }
        });
    }
    for (int round = 0; round < 200; ++round) {
        file.write(round % 2 == 0 ? "new\nshared\n" : "shared\nold\nolder\n");
        static_cast<void>(auth.reload());
    }
    done = true;
    for (auto& checker : checkers) {
        checker.join();
    }
    CHECK(refused.load() == 0);
    CHECK(checks.load() > 0);
    CHECK(auth.size() == 3);
}

namespace {

// A server without sockets whose handler requires a token of `file`.
struct AuthFixture {
    explicit AuthFixture(const std::string& token_file)
        : auth(token_file), handler{engine, pools, metrics, HandlerOptions{4096, true, &auth}} {
        pools.create("default", 10, store::Policy::Fifo);
        bind_resolvers(engine, pools, metrics);
    }

    HttpResponse request(std::string_view method, std::string_view target,
                         std::optional<std::string_view> authorization,
                         std::string_view body = {}) const {
        HttpRequest request{method, target, {}, body};
        if (authorization)
            request.headers.emplace_back("Authorization", *authorization);
        if (!body.empty())
            request.headers.emplace_back("Content-Type", "application/json");
        return handler.handle(request);
    }

    HttpResponse post(std::string_view body, std::optional<std::string_view> authorization) const {
        return request("POST", "/graphql", authorization, body);
    }

    gql::Engine engine{schema_sdl()};
    store::MemoryStore pools{1000};
    Metrics metrics;
    BearerAuth auth;
    RequestHandler handler;
};

constexpr std::string_view get_object = R"({"query":"mutation { getObject }"})";
constexpr std::string_view bare_challenge = R"(Bearer realm="objpool")";
constexpr std::string_view invalid_token_challenge =
    R"(Bearer realm="objpool", error="invalid_token")";

}  // namespace

TEST_CASE("auth accepted and refused", "[auth][handler]") {
    const TempTokenFile file(good_token + "\nother\n");
    AuthFixture f(file.path());
    const std::string bearer = "Bearer " + good_token;

    SECTION("no credentials, another scheme, a wrong token: 401 and no other effect") {
        auto response = f.post(get_object, std::nullopt);
        CHECK(response.status == 401);
        CHECK(response.header("WWW-Authenticate") == bare_challenge);
        CHECK(response.header("Content-Type") == "application/json; charset=utf-8");
        CHECK(json::parse(response.body).at("errors").at(0).at("message") ==
              "authentication required: send the header Authorization: Bearer <token>");

        response = f.post(get_object, "Basic " + good_token);
        CHECK(response.status == 401);
        CHECK(response.header("WWW-Authenticate") == bare_challenge);

        const std::vector<std::string> wrong_headers{"Bearer wrong", "Bearer " + good_token + "x",
                                                     "Bearer " + good_token.substr(1), "Bearer"};
        for (const auto& wrong : wrong_headers) {
            response = f.post(get_object, wrong);
            CHECK(response.status == 401);
            CHECK(response.header("WWW-Authenticate") == invalid_token_challenge);
            CHECK(json::parse(response.body).at("errors").at(0).at("message") ==
                  "the bearer token is not accepted");
        }
        CHECK(f.pools.stats("default")->allocated == 0);

        response = f.post(get_object, bearer);
        CHECK(response.status == 200);
        CHECK(json::parse(response.body) == json::parse(R"({"data":{"getObject":1}})"));
        CHECK(f.post(get_object, "bearer other").status == 200);
        CHECK(f.pools.stats("default")->allocated == 2);

        // Refused requests are counted as responses, not as GraphQL requests.
        const auto metrics = f.request("GET", "/metrics", bearer).body;
        CHECK(contains(metrics, "objpool_http_responses_total{code=\"401\"} 6\n"));
        CHECK(contains(metrics, "objpool_graphql_requests_total{type=\"mutation\"} 2\n"));
        CHECK(contains(metrics, "objpool_graphql_requests_total{type=\"invalid\"} 0\n"));
        CHECK(contains(metrics, "objpool_graphql_field_requests_total{field=\"getObject\"} 2\n"));
    }

    SECTION("every path but /healthz and /readyz needs the token") {
        constexpr std::string_view browser = "text/html,application/xhtml+xml,*/*;q=0.8";
        HttpRequest page{"GET", "/graphql", {{"Accept", browser}}, {}};
        CHECK(f.handler.handle(page).status == 401);
        page.headers.emplace_back("Authorization", bearer);
        CHECK(f.handler.handle(page).status != 401);

        for (const std::string_view target :
             {"/metrics", "/schema.graphql", "/graphql?query=%7Bpool%7Bavailable%7D%7D",
              "/playground/0123456789abcdef/playground.js", "/nope", "/heal%74hz", "/healthz/",
              "/readyz/x"}) {
            CAPTURE(target);
            const auto refused = f.request("GET", target, std::nullopt);
            CHECK(refused.status == 401);
            CHECK(refused.header("WWW-Authenticate") == bare_challenge);
            CHECK(f.request("GET", target, "Bearer wrong").status == 401);
            CHECK(f.request("GET", target, bearer).status != 401);
        }
        CHECK(f.request("GET", "/metrics", bearer).status == 200);
        CHECK(f.request("GET", "/graphql?query=%7Bpool%7Bavailable%7D%7D", bearer).status == 200);
        CHECK(f.request("GET", "/nope", bearer).status == 404);

        for (const std::string_view target : {"/healthz", "/readyz", "/healthz?probe=1"}) {
            CAPTURE(target);
            CHECK(f.request("GET", target, std::nullopt).status == 200);
            CHECK(f.request("GET", target, "Bearer wrong").status == 200);
        }
        CHECK(f.request("POST", "/healthz", std::nullopt).status == 405);
    }

    SECTION("a reload applies to the next request") {
        file.write("rotated\n");
        CHECK(f.auth.size() == 2);
        static_cast<void>(f.auth.reload());
        CHECK(f.post(get_object, bearer).status == 401);
        CHECK(f.post(get_object, "Bearer rotated").status == 200);
    }
}
