#include "tests/support/ed25519.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace inmaek::test {

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char byte : bytes) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0x0f];
    }
    return out;
}

std::string unhex(std::string_view hex_digits) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex_digits.size(); i += 2) {
        bytes.push_back(
            static_cast<char>(std::stoi(std::string{hex_digits.substr(i, 2)}, nullptr, 16)));
    }
    return bytes;
}

Ed25519Signer::Ed25519Signer(std::string_view seed_hex) {
    const auto seed = unhex(seed_hex);
    if (seed.size() != 32) throw std::runtime_error("an Ed25519 seed is 32 bytes (64 hex digits)");
    key_ = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(seed.data()),
                                        seed.size());
    if (key_ == nullptr) throw std::runtime_error("OpenSSL refused the Ed25519 seed");
}

Ed25519Signer::~Ed25519Signer() {
    EVP_PKEY_free(key_);
}

std::string Ed25519Signer::public_key_hex() const {
    std::string raw(32, '\0');
    std::size_t size = raw.size();
    EVP_PKEY_get_raw_public_key(key_, reinterpret_cast<unsigned char*>(raw.data()), &size);
    return hex(raw);
}

std::string Ed25519Signer::sign(std::string_view message) const {
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                          &EVP_MD_CTX_free);
    std::string signature(64, '\0');
    std::size_t size = signature.size();
    if (EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key_) != 1 ||
        EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
        throw std::runtime_error("Ed25519 signing failed");
    }
    return hex(signature);
}

}  // namespace inmaek::test
