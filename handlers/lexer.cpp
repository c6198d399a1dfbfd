#include "handlers/lexer.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <climits>
#include <cstdint>

#include "handlers/text.hpp"

namespace inmaek::handlers {

namespace {

/// An opening quote and the closers accepted for it. Phones and office software turn straight
/// quotes into curly ones inconsistently, so a double quote opened one way may close another.
struct QuotePair {
    UChar32 open;
    std::array<UChar32, 3> close;
};

constexpr std::array<QuotePair, 9> kQuotes{{
    {U'"', {U'"', U'”', U'“'}},
    {U'“', {U'”', U'"', U'“'}},
    {U'”', {U'”', U'"', U'“'}},
    {U'„', {U'“', U'”', U'"'}},
    {U'＂', {U'＂', U'"', U'”'}},
    {U'\'', {U'\'', U'’', U'\''}},
    {U'‘', {U'’', U'\'', U'’'}},
    {U'「', {U'」', U'」', U'」'}},
    {U'『', {U'』', U'』', U'』'}},
}};

const QuotePair* quote_opened_by(UChar32 c) {
    const auto* found = std::find_if(kQuotes.begin(), kQuotes.end(),
                                     [c](const QuotePair& pair) { return pair.open == c; });
    return found == kQuotes.end() ? nullptr : &*found;
}

bool closes(const QuotePair& pair, UChar32 c) {
    return std::find(pair.close.begin(), pair.close.end(), c) != pair.close.end();
}

bool is_colon(UChar32 c) {
    return c == U':' || c == U'：';
}

bool is_space(UChar32 c) {
    return c >= 0 && u_isUWhiteSpace(c);
}

bool is_list_separator(UChar32 c) {
    return c == U',' || c == U'，' || c == U'、';
}

/// Walks the input by code points; positions are byte offsets.
class Scanner {
public:
    explicit Scanner(std::string_view text)
        : text_(text),
          size_(text.size() > static_cast<std::size_t>(INT32_MAX)
                    ? INT32_MAX
                    : static_cast<std::int32_t>(text.size())) {}

    [[nodiscard]] bool at_end(std::size_t pos) const {
        return static_cast<std::int32_t>(pos) >= size_;
    }

    /// Code point at pos (negative for ill-formed bytes or at the end) and where the next begins.
    [[nodiscard]] UChar32 peek(std::size_t pos, std::size_t* next = nullptr) const {
        if (at_end(pos)) {
            if (next != nullptr) {
                *next = pos;
            }
            return -1;
        }
        auto i = static_cast<std::int32_t>(pos);
        UChar32 c = 0;
        U8_NEXT(reinterpret_cast<const std::uint8_t*>(text_.data()), i, size_, c);
        if (next != nullptr) {
            *next = static_cast<std::size_t>(i);
        }
        return c;
    }

    [[nodiscard]] std::size_t after(std::size_t pos) const {
        std::size_t next = pos;
        static_cast<void>(peek(pos, &next));
        return next;
    }

    [[nodiscard]] std::size_t skip_space(std::size_t pos) const {
        while (!at_end(pos) && is_space(peek(pos))) {
            pos = after(pos);
        }
        return pos;
    }

    /// End of a run of non-space code points.
    [[nodiscard]] std::size_t word_end(std::size_t pos) const {
        while (!at_end(pos) && !is_space(peek(pos))) {
            pos = after(pos);
        }
        return pos;
    }

    /// True when pos is at the end or at white space: the previous token is complete.
    [[nodiscard]] bool at_boundary(std::size_t pos) const {
        return at_end(pos) || is_space(peek(pos));
    }

    [[nodiscard]] std::string_view slice(std::size_t begin, std::size_t end) const {
        return text_.substr(begin, end - begin);
    }

    [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(size_); }

private:
    std::string_view text_;
    std::int32_t size_;
};

/// A quoted run starting at an opening quote: its text and the position after the closer (or
/// the end of the input when the quote is never closed).
struct Quoted {
    std::string text;
    std::size_t end = 0;
};

Quoted read_quoted(const Scanner& scanner, const QuotePair& pair, std::size_t open_pos) {
    const std::size_t content_begin = scanner.after(open_pos);
    std::size_t pos = content_begin;
    while (!scanner.at_end(pos)) {
        std::size_t next = pos;
        if (closes(pair, scanner.peek(pos, &next))) {
            return {std::string(scanner.slice(content_begin, pos)), next};
        }
        pos = next;
    }
    return {std::string(scanner.slice(content_begin, scanner.size())), scanner.size()};
}

class Lexer {
public:
    Lexer(std::string_view text, const std::vector<std::string_view>& known_keys)
        : scanner_(text), keys_(known_keys) {}

    Lexed run() {
        std::size_t pos = scanner_.skip_space(0);
        while (!scanner_.at_end(pos) && !result_.has_rest) {
            pos = scanner_.skip_space(token_at(pos));
        }
        return std::move(result_);
    }

private:
    /// Reads one token (or the notes separator) at pos; returns the position after it.
    std::size_t token_at(std::size_t pos) {
        std::size_t next = pos;
        const UChar32 c = scanner_.peek(pos, &next);
        if (is_colon(c) && scanner_.at_boundary(next)) {
            separate(pos, next);
            return scanner_.size();
        }
        if (c == U'@' && !scanner_.at_boundary(next)) {
            return mention_at(pos, next);
        }
        if (const QuotePair* pair = quote_opened_by(c)) {
            Quoted quoted = read_quoted(scanner_, *pair, pos);
            push(Token::Kind::quoted, std::move(quoted.text), {}, pos, quoted.end);
            return after_quote(quoted.end);
        }
        return word_at(pos);
    }

    std::size_t mention_at(std::size_t at_pos, std::size_t name_pos) {
        if (const QuotePair* pair = quote_opened_by(scanner_.peek(name_pos))) {
            Quoted quoted = read_quoted(scanner_, *pair, name_pos);
            push(Token::Kind::mention, std::move(quoted.text), {}, at_pos, quoted.end);
            return after_quote(quoted.end);
        }
        const std::size_t end = scanner_.word_end(name_pos);
        std::size_t name_end = end;
        bool separator = false;
        if (const std::size_t colon = last_code_point(name_pos, end);
            is_colon(scanner_.peek(colon))) {
            // "@카카오: notes" — the company, then the notes.
            name_end = colon;
            separator = true;
        }
        // "@카카오, @OpenAI": the comma lists companies and is not part of a name.
        while (name_end > name_pos &&
               is_list_separator(scanner_.peek(last_code_point(name_pos, name_end)))) {
            name_end = last_code_point(name_pos, name_end);
        }
        if (name_end == name_pos) {
            push(Token::Kind::word, std::string(scanner_.slice(at_pos, end)), {}, at_pos, end);
            return end;
        }
        push(Token::Kind::mention, std::string(scanner_.slice(name_pos, name_end)), {}, at_pos,
             separator ? name_end : end);
        if (separator) {
            separate(name_end, end);
            return scanner_.size();
        }
        return end;
    }

    std::size_t word_at(std::size_t pos) {
        const std::size_t end = scanner_.word_end(pos);
        std::size_t colon = pos;
        while (colon < end && !is_colon(scanner_.peek(colon))) {
            colon = scanner_.after(colon);
        }
        if (colon == end) {
            push(Token::Kind::word, std::string(scanner_.slice(pos, end)), {}, pos, end);
            return end;
        }
        const std::size_t value_pos = scanner_.after(colon);
        if (colon > pos && is_known_key(scanner_.slice(pos, colon))) {
            return option_at(pos, colon, value_pos, end);
        }
        if (const std::size_t last = last_code_point(pos, end); is_colon(scanner_.peek(last))) {
            // A word ending with ':' that is no option key introduces the notes ("회의록: …");
            // a time like 11:00 never ends with ':' and stays a word.
            if (last > pos) {
                push(Token::Kind::word, std::string(scanner_.slice(pos, last)), {}, pos, last);
            }
            separate(last, end);
            return scanner_.size();
        }
        push(Token::Kind::word, std::string(scanner_.slice(pos, end)), {}, pos, end);
        return end;
    }

    std::size_t option_at(std::size_t pos, std::size_t colon, std::size_t value_pos,
                          std::size_t word_end) {
        std::string key = text::lower(scanner_.slice(pos, colon));
        std::size_t value_begin = value_pos;
        if (value_pos == word_end) {
            // "단계: 협상" — the value is the next word when a space follows the colon.
            value_begin = scanner_.skip_space(value_pos);
            if (scanner_.at_end(value_begin)) {
                push(Token::Kind::option, {}, std::move(key), pos, word_end);
                return word_end;
            }
        }
        // A value is a list of plain or quoted parts: alias:Kakao,"Kakao Corp",카카오
        std::string value;
        std::size_t cursor = value_begin;
        for (;;) {
            if (const QuotePair* pair = quote_opened_by(scanner_.peek(cursor))) {
                Quoted quoted = read_quoted(scanner_, *pair, cursor);
                value += quoted.text;
                cursor = quoted.end;
            } else {
                const std::size_t start = cursor;
                while (!scanner_.at_end(cursor) && !is_space(scanner_.peek(cursor)) &&
                       !is_list_separator(scanner_.peek(cursor))) {
                    cursor = scanner_.after(cursor);
                }
                value += scanner_.slice(start, cursor);
            }
            std::size_t next = cursor;
            const UChar32 c = scanner_.peek(cursor, &next);
            if (scanner_.at_end(cursor) || !is_list_separator(c)) break;
            if (scanner_.at_boundary(next)) {
                // "참석: 샘, 케빈": the list goes on after the space; keep its comma.
                value += scanner_.slice(cursor, next);
                cursor = next;
                break;
            }
            value += ',';
            cursor = next;
        }
        push(Token::Kind::option, std::move(value), std::move(key), pos, cursor);
        return after_quote(cursor);
    }

    /// After a closing quote: a list comma is dropped, a ':' starts the notes.
    std::size_t after_quote(std::size_t pos) {
        std::size_t next = pos;
        const UChar32 c = scanner_.peek(pos, &next);
        if (is_colon(c) && scanner_.at_boundary(next)) {
            separate(pos, next);
            return scanner_.size();
        }
        if (is_list_separator(c)) {
            return next;
        }
        return pos;
    }

    void separate(std::size_t colon_begin, std::size_t colon_end) {
        push(Token::Kind::colon, ":", {}, colon_begin, colon_end);
        result_.rest = text::trim(scanner_.slice(colon_end, scanner_.size()));
        result_.has_rest = true;
    }

    [[nodiscard]] std::size_t last_code_point(std::size_t begin, std::size_t end) const {
        std::size_t pos = begin;
        std::size_t last = begin;
        while (pos < end) {
            last = pos;
            pos = scanner_.after(pos);
        }
        return last;
    }

    [[nodiscard]] bool is_known_key(std::string_view key) const {
        const std::string folded = text::lower(key);
        return std::find(keys_.begin(), keys_.end(), folded) != keys_.end();
    }

    void push(Token::Kind kind, std::string value, std::string key, std::size_t begin,
              std::size_t end) {
        Token token;
        token.kind = kind;
        token.text = std::move(value);
        token.key = std::move(key);
        token.begin = begin;
        token.end = end;
        result_.tokens.push_back(std::move(token));
    }

    Scanner scanner_;
    const std::vector<std::string_view>& keys_;  // already lower-cased, see lex()
    Lexed result_;
};

}  // namespace

Lexed lex(std::string_view text, const std::vector<std::string_view>& known_keys) {
    assert(std::all_of(known_keys.begin(), known_keys.end(),
                       [](std::string_view key) { return text::lower(key) == key; }));
    try {
        return Lexer(text, known_keys).run();
    } catch (...) {
        // Only allocation can fail here; an empty result reads as "nothing given".
        return {};
    }
}

}  // namespace inmaek::handlers
