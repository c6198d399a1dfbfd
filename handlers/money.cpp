#include "handlers/money.hpp"

#include <unicode/uchar.h>
#include <unicode/ucurr.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <limits>
#include <vector>

#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

/// A currency as written before or after the number.
struct CurrencyWord {
    std::u32string_view text;
    std::string_view code;
};

// Matched on NFKC + case folded text, so "ＵＳＤ", "Usd" and "usd" are the same word.
constexpr std::array<CurrencyWord, 11> kCurrencyPrefixes{{
    {U"us$", "USD"},
    {U"krw", "KRW"},
    {U"usd", "USD"},
    {U"eur", "EUR"},
    {U"jpy", "JPY"},
    {U"gbp", "GBP"},
    {U"₩", "KRW"},
    {U"$", "USD"},
    {U"€", "EUR"},
    {U"¥", "JPY"},
    {U"£", "GBP"},
}};

constexpr std::array<CurrencyWord, 16> kCurrencySuffixes{{
    {U"krw", "KRW"},
    {U"usd", "USD"},
    {U"eur", "EUR"},
    {U"jpy", "JPY"},
    {U"gbp", "GBP"},
    {U"won", "KRW"},
    {U"dollars", "USD"},
    {U"dollar", "USD"},
    {U"euros", "EUR"},
    {U"euro", "EUR"},
    {U"원", "KRW"},
    {U"달러", "USD"},
    {U"유로", "EUR"},
    {U"엔", "JPY"},
    {U"円", "JPY"},
    {U"€", "EUR"},
}};

/// Korean multipliers as powers of ten: 조 억 만 scale a whole group, 천 백 십 work inside one.
struct KoreanUnit {
    char32_t c;
    int exponent;
};

constexpr std::array<KoreanUnit, 3> kBigUnits{{{U'조', 12}, {U'억', 8}, {U'만', 4}}};
constexpr std::array<KoreanUnit, 3> kSmallUnits{{{U'천', 3}, {U'백', 2}, {U'십', 1}}};

// Sino-Korean digits one to nine, as in 오천만원.
constexpr std::u32string_view kHangulDigits = U"일이삼사오육칠팔구";

struct Suffix {
    std::u32string_view text;
    int exponent;
};

// Longer spellings first so "bn" is not read as "b" followed by junk.
constexpr std::array<Suffix, 9> kEnglishMultipliers{{
    {U"thousand", 3},
    {U"million", 6},
    {U"billion", 9},
    {U"trillion", 12},
    {U"mn", 6},
    {U"bn", 9},
    {U"k", 3},
    {U"m", 6},
    {U"b", 9},
}};

/// A decimal number as written: its digits without separators and how many were after the
/// point, so 2.5 is {"25", 1}. Kept exact: money is never a double.
struct Decimal {
    std::string digits;
    int fraction_digits = 0;
};

bool is_ascii_digit(char32_t c) {
    return c >= U'0' && c <= U'9';
}

std::optional<int> hangul_digit(char32_t c) {
    const std::size_t found = kHangulDigits.find(c);
    return found == std::u32string_view::npos ? std::nullopt
                                              : std::optional{static_cast<int>(found) + 1};
}

/// Reads 1,234.5 / 3000 / 오 at pos. Thousands separators must group by three, so "1,5" (a
/// European decimal comma) is refused rather than guessed.
std::optional<Decimal> read_decimal(std::u32string_view s, std::size_t& pos) {
    if (pos < s.size()) {
        if (const auto digit = hangul_digit(s[pos])) {
            ++pos;
            return Decimal{std::string(1, static_cast<char>('0' + *digit)), 0};
        }
    }
    Decimal number;
    std::size_t i = pos;
    std::size_t group = 0;
    bool grouped = false;
    while (i < s.size()) {
        if (is_ascii_digit(s[i])) {
            number.digits.push_back(static_cast<char>(s[i]));
            ++group;
            ++i;
        } else if (s[i] == U',' && i + 1 < s.size() && is_ascii_digit(s[i + 1])) {
            if (group == 0 || group > 3 || (grouped && group != 3)) {
                return std::nullopt;
            }
            grouped = true;
            group = 0;
            ++i;
        } else {
            break;
        }
    }
    if (number.digits.empty() || (grouped && group != 3)) {
        return std::nullopt;
    }
    if (i < s.size() && s[i] == U'.' && i + 1 < s.size() && is_ascii_digit(s[i + 1])) {
        ++i;
        while (i < s.size() && is_ascii_digit(s[i])) {
            number.digits.push_back(static_cast<char>(s[i]));
            ++number.fraction_digits;
            ++i;
        }
    }
    pos = i;
    return number;
}

/// Adds number × 10^exponent to total; false on a fraction of the minor unit or on overflow.
bool add_scaled(std::int64_t& total, const Decimal& number, int exponent) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::string digits = number.digits;
    int shift = exponent - number.fraction_digits;
    while (shift < 0) {
        // 1.50 dollars is 150 cents; 1.505 dollars is no whole number of cents.
        if (digits.empty() || digits.back() != '0') {
            return false;
        }
        digits.pop_back();
        ++shift;
    }
    std::int64_t value = 0;
    for (const char c : digits) {
        if (__builtin_mul_overflow(value, 10, &value) ||
            __builtin_add_overflow(value, c - '0', &value)) {
            return false;
        }
    }
    for (int k = 0; k < shift && value != 0; ++k) {
        if (value > kMax / 10) {
            return false;
        }
        value *= 10;
    }
    return !__builtin_add_overflow(total, value, &total);
}

template <std::size_t N>
const KoreanUnit* unit_at(std::u32string_view s, std::size_t pos,
                          const std::array<KoreanUnit, N>& units) {
    if (pos >= s.size()) {
        return nullptr;
    }
    const auto* found = std::find_if(units.begin(), units.end(),
                                     [c = s[pos]](const KoreanUnit& unit) { return unit.c == c; });
    return found == units.end() ? nullptr : &*found;
}

bool has_korean_unit(std::u32string_view s) {
    return std::any_of(s.begin(), s.end(), [](char32_t c) {
        return hangul_digit(c).has_value() ||
               std::any_of(kBigUnits.begin(), kBigUnits.end(),
                           [c](const KoreanUnit& u) { return u.c == c; }) ||
               std::any_of(kSmallUnits.begin(), kSmallUnits.end(),
                           [c](const KoreanUnit& u) { return u.c == c; });
    });
}

/// 1억5천만, 3,000만, 2.5억, 천만, 5만5천: groups scaled by 조/억/만 in decreasing order, each
/// made of 천/백/십 parts in decreasing order and a plain number last.
std::optional<std::int64_t> read_korean(std::u32string_view s, int minor_exponent) {
    std::int64_t total = 0;
    std::size_t pos = 0;
    int last_big = 16;
    bool first_group = true;
    while (pos < s.size()) {
        std::vector<std::pair<Decimal, int>> parts;
        int last_small = 4;
        while (pos < s.size()) {
            std::optional<Decimal> number;
            if (is_ascii_digit(s[pos]) || hangul_digit(s[pos])) {
                number = read_decimal(s, pos);
                if (!number) {
                    return std::nullopt;
                }
            }
            if (const KoreanUnit* small = unit_at(s, pos, kSmallUnits)) {
                if (small->exponent >= last_small) {
                    return std::nullopt;
                }
                last_small = small->exponent;
                parts.emplace_back(number.value_or(Decimal{"1", 0}), small->exponent);
                ++pos;
                continue;
            }
            if (number) {
                parts.emplace_back(*number, 0);
            }
            break;
        }
        int big_exponent = 0;
        if (const KoreanUnit* big = unit_at(s, pos, kBigUnits)) {
            if (big->exponent >= last_big) {
                return std::nullopt;
            }
            // "만원" alone is ten thousand won; an empty group later ("1억만") is junk.
            if (parts.empty()) {
                if (!first_group) {
                    return std::nullopt;
                }
                parts.emplace_back(Decimal{"1", 0}, 0);
            }
            last_big = big->exponent;
            big_exponent = big->exponent;
            ++pos;
        } else if (pos < s.size() || parts.empty()) {
            return std::nullopt;
        }
        for (const auto& [number, exponent] : parts) {
            if (!add_scaled(total, number, exponent + big_exponent + minor_exponent)) {
                return std::nullopt;
            }
        }
        first_group = false;
    }
    return total;
}

/// 2,000,000 / 1.5k / 2M / 5e8 / 3 billion.
std::optional<std::int64_t> read_plain(std::u32string_view s, int minor_exponent) {
    std::size_t pos = 0;
    if (pos < s.size() && hangul_digit(s[pos])) {
        return std::nullopt;
    }
    const auto number = read_decimal(s, pos);
    if (!number) {
        return std::nullopt;
    }
    int exponent = 0;
    std::u32string_view rest = s.substr(pos);
    if (!rest.empty() && rest.front() == U'e') {
        std::u32string_view digits = rest.substr(1);
        if (!digits.empty() && digits.front() == U'+') {
            digits.remove_prefix(1);
        }
        // 10^18 already fills an int64, so two digits of exponent are all that can fit.
        if (digits.empty() || digits.size() > 2 ||
            !std::all_of(digits.begin(), digits.end(), is_ascii_digit)) {
            return std::nullopt;
        }
        for (const char32_t c : digits) {
            exponent = exponent * 10 + static_cast<int>(c - U'0');
        }
        rest = {};
    }
    if (!rest.empty()) {
        const auto* found =
            std::find_if(kEnglishMultipliers.begin(), kEnglishMultipliers.end(),
                         [rest](const Suffix& suffix) { return suffix.text == rest; });
        if (found == kEnglishMultipliers.end()) {
            return std::nullopt;
        }
        exponent = found->exponent;
    }
    std::int64_t total = 0;
    if (!add_scaled(total, *number, exponent + minor_exponent)) {
        return std::nullopt;
    }
    return total;
}

std::u32string to_u32(std::string_view utf8) {
    const icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(
        utf8.data(), static_cast<std::int32_t>(std::min<std::size_t>(utf8.size(), INT32_MAX))));
    std::u32string out;
    out.reserve(static_cast<std::size_t>(text.length()));
    for (std::int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
        out.push_back(static_cast<char32_t>(text.char32At(i)));
    }
    return out;
}

/// Removes the currency written before or after the amount; both may be given if they agree.
std::optional<std::string> strip_currency(std::u32string_view& body) {
    std::optional<std::string> currency;
    for (const CurrencyWord& word : kCurrencyPrefixes) {
        if (body.substr(0, word.text.size()) == word.text) {
            currency = std::string(word.code);
            body.remove_prefix(word.text.size());
            break;
        }
    }
    for (const CurrencyWord& word : kCurrencySuffixes) {
        if (body.size() > word.text.size() &&
            body.substr(body.size() - word.text.size()) == word.text) {
            if (currency && *currency != word.code) {
                return std::nullopt;
            }
            currency = std::string(word.code);
            body.remove_suffix(word.text.size());
            break;
        }
    }
    return currency.value_or("KRW");
}

std::optional<Amount> parse(std::string_view text) {
    const std::u32string folded = to_u32(text::nfkc_casefold(text));
    std::u32string compact;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        const char32_t c = folded[i];
        if (u_isUWhiteSpace(static_cast<UChar32>(c))) {
            // "1 000" would be a guess; "1억 5천만" and "USD 2,000,000" keep their spaces apart.
            const bool between_digits = !compact.empty() && is_ascii_digit(compact.back()) &&
                                        i + 1 < folded.size() && is_ascii_digit(folded[i + 1]);
            if (between_digits) {
                return std::nullopt;
            }
            continue;
        }
        // Any minus sign, hyphen or accounting parenthesis means a negative: refused outright.
        if (u_charType(static_cast<UChar32>(c)) == U_DASH_PUNCTUATION || c == U'−' || c == U'(') {
            return std::nullopt;
        }
        compact.push_back(c);
    }
    std::u32string_view body = compact;
    std::optional<std::string> currency = strip_currency(body);
    if (!currency || body.empty()) {
        return std::nullopt;
    }
    const int minor = minor_digits(*currency);
    const std::optional<std::int64_t> value =
        has_korean_unit(body) ? read_korean(body, minor) : read_plain(body, minor);
    if (!value) {
        return std::nullopt;
    }
    return Amount{*value, *currency};
}

/// 1234567 → "1,234,567".
std::string group_thousands(std::uint64_t value) {
    std::string digits = std::to_string(value);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out.push_back(',');
        }
        out.push_back(digits[i]);
    }
    return out;
}

std::uint64_t magnitude(std::int64_t value) {
    // Negating INT64_MIN overflows; going through unsigned does not.
    return value < 0 ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
}

/// "1억 5,000만원": used when the amount is a whole number of 만, as people say it; otherwise
/// the exact figure reads better ("12,345원").
std::string korean_won(std::uint64_t value) {
    constexpr std::uint64_t kMan = 10'000;
    if (value < kMan || value % kMan != 0) {
        return group_thousands(value) + "원";
    }
    constexpr std::array<std::pair<std::uint64_t, std::string_view>, 3> kGroups{{
        {1'000'000'000'000ULL, "조"},
        {100'000'000ULL, "억"},
        {kMan, "만"},
    }};
    std::string out;
    std::uint64_t rest = value;
    for (const auto& [size, name] : kGroups) {
        const std::uint64_t count = rest / size;
        rest %= size;
        if (count == 0) {
            continue;
        }
        if (!out.empty()) {
            out.push_back(' ');
        }
        out += group_thousands(count);
        out += name;
    }
    return out + "원";
}

/// The English symbol ICU knows for a currency ("$", "€", "¥"), or empty when it has none.
std::string currency_symbol(const std::string& code) {
    if (code.size() != 3) {
        return {};
    }
    const std::array<UChar, 4> iso{static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                                   static_cast<UChar>(code[2]), 0};
    UErrorCode status = U_ZERO_ERROR;
    UBool is_choice = 0;
    std::int32_t length = 0;
    const UChar* name =
        ucurr_getName(iso.data(), "en", UCURR_SYMBOL_NAME, &is_choice, &length, &status);
    if (U_FAILURE(status) || name == nullptr) {
        return {};
    }
    std::string symbol;
    icu::UnicodeString(name, length).toUTF8String(symbol);
    return symbol == code ? std::string() : symbol;
}

std::string upper_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

}  // namespace

std::optional<Amount> parse_money(std::string_view text) {
    try {
        return parse(text);
    } catch (...) {
        // Only allocation can throw here; an amount we could not read is no amount.
        return std::nullopt;
    }
}

int minor_digits(std::string_view currency) {
    const std::string code = upper_ascii(currency);
    // ISO 4217's usual two digits for anything ICU cannot place.
    constexpr int kDefault = 2;
    if (code.size() != 3) {
        return kDefault;
    }
    const std::array<UChar, 4> iso{static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                                   static_cast<UChar>(code[2]), 0};
    UErrorCode status = U_ZERO_ERROR;
    const std::int32_t digits = ucurr_getDefaultFractionDigits(iso.data(), &status);
    return U_SUCCESS(status) ? digits : kDefault;
}

std::string format_money(const Amount& amount, bool korean) {
    const std::string code = upper_ascii(amount.currency);
    const std::string sign = amount.minor < 0 ? "-" : "";
    const std::uint64_t value = magnitude(amount.minor);
    if (code == "KRW") {
        return sign + (korean ? korean_won(value) : "₩" + group_thousands(value));
    }
    const int digits = minor_digits(code);
    std::uint64_t scale = 1;
    for (int k = 0; k < digits; ++k) {
        scale *= 10;
    }
    std::string number = group_thousands(value / scale);
    // Cents only when there are some: "$2,000,000" but "$1.50".
    if (const std::uint64_t fraction = value % scale; fraction != 0) {
        std::string cents = std::to_string(fraction);
        cents.insert(0, static_cast<std::size_t>(digits) - cents.size(), '0');
        number += "." + cents;
    }
    const std::string symbol = currency_symbol(code);
    return symbol.empty() ? sign + code + " " + number : sign + symbol + number;
}

}  // namespace inmaek::handlers
