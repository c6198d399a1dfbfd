#include "handlers/company_names.hpp"

#include <array>
#include <string_view>

#include "handlers/text.hpp"

namespace inmaek::handlers::company_names {

namespace {

using namespace std::string_view_literals;

// Legal forms written before or after a name, as nfkc_casefold gives them (㈜ is "(주)").
// Longest first, so 유한책임회사 is not read as 회사 left behind by a shorter form.
constexpr std::array kKoreanForms{"유한책임회사"sv, "주식회사"sv, "유한회사"sv, "합자회사"sv,
                                  "합명회사"sv,     "株式会社"sv, "有限会社"sv, "(주)"sv,
                                  "(유)"sv,         "(株)"sv,     "(합)"sv};

// English legal forms, compared with a word stripped of its dots and commas.
constexpr std::array kEnglishForms{"inc"sv,  "incorporated"sv, "corp"sv,    "corporation"sv,
                                   "co"sv,   "ltd"sv,          "limited"sv, "llc"sv,
                                   "gmbh"sv, "plc"sv,          "coltd"sv};

// What fold_key leaves of each form: the suffixes and prefixes of stored keys to try.
constexpr std::array kFoldedKoreanForms{"유한책임회사"sv, "주식회사"sv, "유한회사"sv, "합자회사"sv,
                                        "합명회사"sv,     "株式会社"sv, "有限会社"sv, "주"sv,
                                        "유"sv,           "株"sv};

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

std::string without_dots(std::string_view word) {
    std::string out;
    for (const char c : word) {
        if (c != '.' && c != ',') out += c;
    }
    return out;
}

bool is_english_form(std::string_view word) {
    const auto bare = without_dots(word);
    for (const auto form : kEnglishForms) {
        if (bare == form) return true;
    }
    return false;
}

/// Removes one Korean form at the front of the first word or the end of the last; true when
/// it did. A word that is only a form goes; one that starts or ends with it keeps the rest.
bool strip_korean_form(std::vector<std::string>& words) {
    for (const auto form : kKoreanForms) {
        auto& first = words.front();
        if (first.starts_with(form)) {
            if (first.size() == form.size()) {
                words.erase(words.begin());
            } else {
                first.erase(0, form.size());
            }
            return true;
        }
        auto& last = words.back();
        if (last.ends_with(form)) {
            if (last.size() == form.size()) {
                words.pop_back();
            } else {
                last.erase(last.size() - form.size());
            }
            return true;
        }
    }
    return false;
}

/// Removes one legal form; never the last word left.
bool strip_one_form(std::vector<std::string>& words) {
    if (words.size() > 1 && is_english_form(words.back())) {
        words.pop_back();
        return true;
    }
    auto trial = words;
    if (!strip_korean_form(trial) || trial.empty()) return false;
    if (text::fold_key(trial.front() + trial.back()).empty()) return false;
    words = std::move(trial);
    return true;
}

}  // namespace

std::string core_key(std::string_view name) {
    auto words = words_of(text::nfkc_casefold(name));
    while (!words.empty() && strip_one_form(words)) {
    }
    std::string joined;
    for (const auto& word : words) joined += word + " ";
    auto key = text::fold_key(joined);
    return key.empty() ? text::fold_key(name) : key;
}

std::vector<std::string> similar_keys(std::string_view name) {
    const auto core = core_key(name);
    std::vector<std::string> keys;
    if (core.empty()) return keys;
    keys.push_back(core);
    for (const auto form : kFoldedKoreanForms) {
        keys.push_back(std::string{form} + core);
        keys.push_back(core + std::string{form});
    }
    for (const auto form : kEnglishForms) keys.push_back(core + std::string{form});
    return keys;
}

}  // namespace inmaek::handlers::company_names
