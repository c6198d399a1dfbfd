#pragma once

// REST API keys: "inmk_<prefix>_<secret>", both parts lower-case hex from OpenSSL's RAND_bytes.
// The prefix is the public part a key is looked up by; only the SHA-256 of the whole key is
// stored (storage::ApiKey::secret_hash), so the database cannot give a key away.

#include <optional>
#include <string>
#include <string_view>

namespace inmaek::bot::api {

/// A key as printed once by `inmaek api-key create`.
struct GeneratedKey {
    std::string key;     ///< the whole key, handed to the client
    std::string prefix;  ///< its public part
    std::string hash;    ///< hash_key(key), the only thing stored
};

/// A fresh random key (6 bytes of prefix, 32 bytes of secret); throws when the system's random
/// source fails.
GeneratedKey generate_key();

/// Lower-case hex SHA-256 of a key.
std::string hash_key(std::string_view key);

/// The prefix of a well-formed key ("inmk_", 12 hex, "_", 64 hex); nullopt for anything else.
std::optional<std::string> key_prefix(std::string_view key);

/// True when `key` hashes to `stored_hash`, compared in constant time.
bool key_matches(std::string_view key, std::string_view stored_hash);

/// The key of an `Authorization: Bearer <key>` header value; nullopt when it is not one.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace inmaek::bot::api
