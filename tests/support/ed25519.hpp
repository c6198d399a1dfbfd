#pragma once
// Ed25519 signing for tests that play Discord (platforms.md §5.2): a key from a 32-byte seed,
// signatures with OpenSSL, hex as Discord sends it.

#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace inmaek::test {

/// Bytes as lower-case hex, and back (pairs of hex digits; no validation).
std::string hex(std::string_view bytes);
std::string unhex(std::string_view hex_digits);

class Ed25519Signer {
public:
    /// Throws std::runtime_error when the seed is not 64 hex digits.
    explicit Ed25519Signer(std::string_view seed_hex);
    ~Ed25519Signer();
    Ed25519Signer(const Ed25519Signer&) = delete;
    Ed25519Signer& operator=(const Ed25519Signer&) = delete;

    /// The public key, 64 hex digits (what the developer portal shows).
    [[nodiscard]] std::string public_key_hex() const;
    /// The signature of `message`, 128 hex digits (X-Signature-Ed25519).
    [[nodiscard]] std::string sign(std::string_view message) const;

private:
    evp_pkey_st* key_ = nullptr;
};

}  // namespace inmaek::test
