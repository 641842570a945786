// Reads one HTTP request with Beast's parser into storage that a connection keeps from one
// request to the next. Beast's request_parser<string_body> allocates every header field, the
// method, the target and the body anew for each request and files the fields in an ordered
// index; here, once a connection's buffers have grown to its requests' size, reading a request
// allocates nothing, and the handler gets its HttpRequest without a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/basic_parser.hpp>

#include "http_handler.hpp"

namespace objpool_graphql {

/// @brief What RequestParser fills: one connection's, reused for each of its requests.
class RequestStorage {
public:
    /// @brief The request read last; its views point into this storage and stay valid until
    /// the next request's parser is constructed on it.
    [[nodiscard]] const HttpRequest& request() const noexcept { return request_; }
    /// @brief 10 for HTTP/1.0, 11 for HTTP/1.1.
    [[nodiscard]] unsigned version() const noexcept { return version_; }

private:
    friend class RequestParser;

    // The method, the target, then each header's name and value, back to back; the views are
    // made once the head is complete, when this no longer grows.
    std::string head_;
    std::vector<std::pair<std::size_t, std::size_t>> field_ends_;  // name end, value end in head_
    std::size_t method_end_ = 0;
    std::size_t target_end_ = 0;
    std::string body_;
    HttpRequest request_;
    unsigned version_ = 11;
};

/// @brief An HTTP/1 request parser (Beast's basic_parser: all its checks and limits) writing
/// into a RequestStorage. Like every Beast parser it reads one message: construct one per
/// request (cheap: it allocates nothing).
class RequestParser final : public boost::beast::http::basic_parser<true> {
public:
    /// @brief Clears `storage` for a new request; `storage` must outlive the parser.
    explicit RequestParser(RequestStorage& storage) : storage_(storage) {
        // What one large request grew is given back, so that an idle connection keeps no more
        // than this; the usual small requests reuse their buffers.
        constexpr std::size_t kept_capacity = 64 * 1024;
        if (storage_.body_.capacity() > kept_capacity)
            std::string().swap(storage_.body_);
        if (storage_.head_.capacity() > kept_capacity)
            std::string().swap(storage_.head_);
        storage_.head_.clear();
        storage_.field_ends_.clear();
        storage_.body_.clear();
        HttpRequest& request = storage_.request_;
        request.method = request.target = request.body = std::string_view{};
        request.headers.clear();
    }

private:
    using string_view = boost::beast::string_view;
    using error_code = boost::beast::error_code;

    void on_request_impl(boost::beast::http::verb, string_view method, string_view target,
                         int version, error_code&) override {
        storage_.head_.append(method.data(), method.size());
        storage_.method_end_ = storage_.head_.size();
        storage_.head_.append(target.data(), target.size());
        storage_.target_end_ = storage_.head_.size();
        storage_.version_ = static_cast<unsigned>(version);
    }

    void on_response_impl(int, string_view, int, error_code&) override {}

    void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                       error_code&) override {
        storage_.head_.append(name.data(), name.size());
        const std::size_t name_end = storage_.head_.size();
        storage_.head_.append(value.data(), value.size());
        storage_.field_ends_.emplace_back(name_end, storage_.head_.size());
    }

    void on_header_impl(error_code&) override {
        const std::string_view head = storage_.head_;
        HttpRequest& request = storage_.request_;
        request.method = head.substr(0, storage_.method_end_);
        request.target =
            head.substr(storage_.method_end_, storage_.target_end_ - storage_.method_end_);
        std::size_t start = storage_.target_end_;
        for (const auto& [name_end, value_end] : storage_.field_ends_) {
            request.headers.emplace_back(head.substr(start, name_end - start),
                                         head.substr(name_end, value_end - name_end));
            start = value_end;
        }
    }

    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                           error_code&) override {
        // basic_parser has already refused a length above its body limit.
        if (content_length)
            storage_.body_.reserve(static_cast<std::size_t>(*content_length));
    }

    std::size_t on_body_impl(string_view body, error_code&) override {
        storage_.body_.append(body.data(), body.size());
        return body.size();
    }

    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}

    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override {
        return on_body_impl(body, ec);
    }

    void on_finish_impl(error_code&) override { storage_.request_.body = storage_.body_; }

    RequestStorage& storage_;
};

}  // namespace objpool_graphql
