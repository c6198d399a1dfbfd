#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inmaek::handlers {

/// An amount in the currency's minor unit (KRW, JPY: none; USD, EUR: cents).
struct Amount {
    std::int64_t minor = 0;
    std::string currency = "KRW";
    friend bool operator==(const Amount&, const Amount&) = default;
};

/// Parses 50억, 5천만원, 1억 5천만원, 3,000만원, ₩500,000,000, KRW 5e8, 5e8원, $2M, $1.5k,
/// USD 2,000,000, 2,000,000 USD, €3M, EUR 3M, ¥…/JPY …; a bare number is KRW.
/// nullopt for anything else (negative, overflow, junk).
std::optional<Amount> parse_money(std::string_view text);

/// Number of minor-unit digits of an ISO currency (KRW 0, USD 2).
int minor_digits(std::string_view currency);

/// Display: KRW in 억/만 for Korean ("50억", "1억 5,000만원") or "₩5,000,000,000" in English;
/// other currencies as "$2,000,000" / "USD 2,000,000.50".
std::string format_money(const Amount& amount, bool korean);

}  // namespace inmaek::handlers
