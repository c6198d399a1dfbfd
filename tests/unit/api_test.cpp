// The REST API's pieces without a server: API keys (generation, hashing, parsing, the bearer
// header), list cursors, and the OpenAPI document against the routes the service registers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>

#include "bot/api/api_key.hpp"
#include "bot/api/api_service.hpp"
#include "bot/api/resources.hpp"

namespace {

using namespace inmaek::bot::api;

TEST(ApiKey, GeneratedKeysHaveTheDocumentedShapeAndDiffer) {
    const auto first = generate_key();
    const auto second = generate_key();
    EXPECT_TRUE(first.key.starts_with("inmk_" + first.prefix + "_")) << first.key;
    EXPECT_EQ(first.prefix.size(), 12U);
    EXPECT_EQ(first.key.size(), 5U + 12U + 1U + 64U);
    EXPECT_NE(first.key, second.key);
    EXPECT_NE(first.prefix, second.prefix);
    EXPECT_EQ(key_prefix(first.key), first.prefix);
    EXPECT_EQ(first.hash, hash_key(first.key));
    EXPECT_EQ(first.hash.find(first.key), std::string::npos);
}

TEST(ApiKey, HashIsLowerHexSha256) {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    EXPECT_EQ(hash_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKey, OnlyTheExactKeyMatchesItsHash) {
    const auto key = generate_key();
    EXPECT_TRUE(key_matches(key.key, key.hash));
    auto altered = key.key;
    altered.back() = altered.back() == '0' ? '1' : '0';
    EXPECT_FALSE(key_matches(altered, key.hash));
    EXPECT_FALSE(key_matches(key.key, ""));
    EXPECT_FALSE(key_matches(key.key, key.hash.substr(1)));
}

TEST(ApiKey, MalformedKeysHaveNoPrefix) {
    const std::string secret(64, 'a');
    EXPECT_TRUE(key_prefix("inmk_0123456789ab_" + secret));
    EXPECT_FALSE(key_prefix(""));
    EXPECT_FALSE(key_prefix("inmk_0123456789ab"));
    EXPECT_FALSE(key_prefix("inmk_0123456789ab_" + secret + "a"));
    EXPECT_FALSE(key_prefix("inmk_0123456789AB_" + secret));
    EXPECT_FALSE(key_prefix("xxxx_0123456789ab_" + secret));
    EXPECT_FALSE(key_prefix("inmk_0123456789a_" + secret + "0"));
    EXPECT_FALSE(key_prefix("inmk_0123456789ab_" + std::string(64, 'g')));
}

TEST(ApiKey, BearerHeaderIsReadCaseInsensitively) {
    EXPECT_EQ(bearer_token("Bearer abc"), "abc");
    EXPECT_EQ(bearer_token("bearer  abc "), "abc");
    EXPECT_EQ(bearer_token("BEARER abc"), "abc");
    EXPECT_FALSE(bearer_token("Basic abc"));
    EXPECT_FALSE(bearer_token("Bearer "));
    EXPECT_FALSE(bearer_token(""));
}

TEST(ApiCursor, RoundTripsAndRefusesForgeries) {
    for (const inmaek::storage::Id id : {0LL, 1LL, 42LL, 9007199254740993LL}) {
        EXPECT_EQ(decode_cursor(encode_cursor(id)), id);
    }
    EXPECT_FALSE(decode_cursor(""));
    EXPECT_FALSE(decode_cursor("42"));
    EXPECT_FALSE(decode_cursor("zz"));
    EXPECT_FALSE(decode_cursor(encode_cursor(5) + "0"));
    EXPECT_FALSE(decode_cursor("76323a2d31"));  // "v2:-1"-like garbage
}

nlohmann::json openapi() {
    std::ifstream in{INMAEK_SCHEMAS_DIR "/openapi.json"};
    return nlohmann::json::parse(in);
}

std::string method_name(inmaek::bot::http::verb verb) {
    std::string name{inmaek::bot::http::to_string(verb)};
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

TEST(OpenApi, DocumentIsOpenApi31WithBearerSecurityAndProblemType) {
    const auto doc = openapi();
    EXPECT_EQ(doc["openapi"], "3.1.0");
    EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
    EXPECT_EQ(doc["security"][0].count("bearerAuth"), 1U);
    const auto& problem = doc["components"]["schemas"]["Problem"];
    for (const auto* field : {"type", "title", "status", "detail"}) {
        EXPECT_TRUE(problem["properties"].contains(field)) << field;
    }
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
    const auto doc = openapi();
    std::set<std::pair<std::string, std::string>> served;
    for (const auto& route : ApiService::routes()) {
        served.emplace(std::string{route.path}, method_name(route.method));
    }
    std::set<std::pair<std::string, std::string>> documented;
    constexpr std::array kMethods{"get",     "put",  "post",  "delete",
                                  "options", "head", "patch", "trace"};
    for (const auto& [path, item] : doc["paths"].items()) {
        for (const auto* method : kMethods) {
            if (item.contains(method)) documented.emplace(path, method);
        }
    }
    for (const auto& operation : served) {
        EXPECT_TRUE(documented.contains(operation))
            << operation.second << " " << operation.first << " is served but not documented";
    }
    for (const auto& operation : documented) {
        EXPECT_TRUE(served.contains(operation))
            << operation.second << " " << operation.first << " is documented but not served";
    }
    EXPECT_EQ(served.size(), ApiService::routes().size()) << "a route is registered twice";
}

TEST(OpenApi, EveryReferenceResolves) {
    const auto doc = openapi();
    const auto flat = doc.flatten();
    for (const auto& [pointer, value] : flat.items()) {
        if (!pointer.ends_with("/$ref")) continue;
        const auto target = value.get<std::string>();
        ASSERT_TRUE(target.starts_with("#/")) << target;
        EXPECT_TRUE(doc.contains(nlohmann::json::json_pointer{target.substr(1)}))
            << pointer << " → " << target;
    }
}

}  // namespace
