#include "bot/platforms/discord_adapter.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "bot/platforms/wire_format.hpp"
#include "handlers/catalog.hpp"
#include "handlers/router.hpp"
#include "handlers/text.hpp"

namespace inmaek::bot::platforms {

namespace {

namespace json = boost::json;
using handlers::text::ellipsize;
using handlers::text::length;

constexpr std::string_view kSignatureHeader = "X-Signature-Ed25519";
constexpr std::string_view kTimestampHeader = "X-Signature-Timestamp";
constexpr std::size_t kPublicKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 64;

// Interaction response types.
constexpr int kPong = 1;
constexpr int kChannelMessageWithSource = 4;
constexpr int kDeferredChannelMessage = 5;
constexpr int kDeferredUpdateMessage = 6;
constexpr int kAutocompleteResult = 8;
constexpr int kEphemeral = 64;

// Message limits, in characters (code points, as Discord counts them).
constexpr std::size_t kContentLimit = 2000;
constexpr std::size_t kEmbedTitleLimit = 256;
constexpr std::size_t kEmbedDescriptionLimit = 4096;
constexpr std::size_t kEmbedFieldLimit = 25;
constexpr std::size_t kFieldNameLimit = 256;
constexpr std::size_t kFieldValueLimit = 1024;
constexpr std::size_t kFooterLimit = 2048;
constexpr std::size_t kEmbedTotalLimit = 6000;
constexpr std::size_t kButtonLabelLimit = 80;
constexpr std::size_t kCustomIdBytes = 100;
constexpr std::size_t kButtonsPerRow = 5;
constexpr std::size_t kRows = 5;
// Label of a "Label: value" line or "Header:" line that becomes an embed field.
constexpr std::size_t kFieldLabelLimit = 40;

// Command registration limits.
constexpr std::size_t kDescriptionLimit = 100;

// Discord's epoch (2015-01-01) in Unix milliseconds; snowflake bits 22.. are ms since it.
constexpr std::uint64_t kDiscordEpochMs = 1420070400000ULL;

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = nibble(hex[i]);
        const int low = nibble(hex[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes.push_back(static_cast<char>((high << 4) | low));
    }
    return bytes;
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// --- reading the interaction ------------------------------------------------------------------

/// Snowflakes are JSON strings; an integer is taken exactly, a double never (it lost digits).
std::string snowflake(const json::value* value) {
    if (value == nullptr) return {};
    if (const auto* text = value->if_string()) return std::string(text->data(), text->size());
    if (const auto* number = value->if_uint64()) return std::to_string(*number);
    if (const auto* number = value->if_int64()) return *number >= 0 ? std::to_string(*number) : "";
    return {};
}

/// When the interaction was created, from its snowflake id; zero when the id is not one.
std::chrono::sys_seconds time_of(std::string_view id) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
    if (error != std::errc{} || end != id.data() + id.size()) return {};
    const auto ms = (value >> 22U) + kDiscordEpochMs;
    return std::chrono::sys_seconds{std::chrono::seconds{static_cast<std::int64_t>(ms / 1000)}};
}

/// Straight quotes unless the text holds one; curly quotes then (the lexer reads both).
std::string quoted_if_spaced(std::string_view text) {
    if (text.find_first_of(" \t\r\n") == std::string_view::npos) return std::string{text};
    if (text.find('"') == std::string_view::npos) return "\"" + std::string{text} + "\"";
    return "\u201C" + std::string{text} + "\u201D";
}

std::string number_text(const json::value& value) {
    if (const auto* number = value.if_int64()) return std::to_string(*number);
    if (const auto* number = value.if_uint64()) return std::to_string(*number);
    std::array<char, 64> buffer{};
    const auto [end, error] =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value.get_double());
    return error == std::errc{} ? std::string(buffer.data(), end) : std::string{};
}

/// The words each option contributes, grouped by where they go in the command line.
struct Words {
    std::vector<std::string> positional;
    std::vector<std::string> mentions;
    std::vector<std::string> with;
    std::vector<std::string> at;
    std::vector<std::string> keyed;
    std::vector<std::string> notes;

    void append_to(std::string& line) const {
        for (const auto* group : {&positional, &mentions}) {
            for (const auto& word : *group) line += " " + word;
        }
        for (const auto& names : with) line += " with " + names;
        for (const auto& place : at) line += " at " + place;
        for (const auto& word : keyed) line += " " + word;
        for (const auto& text : notes) line += " : " + text;
    }
};

enum class Role { positional, mentions, with, at, notes, keyed };

Role role_of(std::string_view name) {
    for (const std::string_view word :
         {"text", "args", "query", "when", "date", "day", "time", "name", "id", "assignee"}) {
        if (name == word) return Role::positional;
    }
    if (name == "company" || name == "companies") return Role::mentions;
    if (name == "with") return Role::with;
    if (name == "at" || name == "place") return Role::at;
    if (name == "notes") return Role::notes;
    return Role::keyed;
}

// Application command option types.
constexpr std::int64_t kSubCommand = 1;
constexpr std::int64_t kSubCommandGroup = 2;
constexpr std::int64_t kString = 3;
constexpr std::int64_t kInteger = 4;
constexpr std::int64_t kBoolean = 5;
constexpr std::int64_t kUser = 6;
constexpr std::int64_t kNumber = 10;

/// Adds the words of data.options (or a sub-command's options) to line; false with error set
/// when an option is malformed.
bool append_options(const json::value* options, const json::value* resolved, int depth,
                    std::string& line, std::string& error) {
    if (options == nullptr || options->is_null()) return true;
    const auto* list = options->if_array();
    if (list == nullptr) {
        error = "data.options is not an array";
        return false;
    }
    Words words;
    for (const auto& option : *list) {
        const auto name = string_member(&option, "name");
        const auto type = int_value(member(&option, "type"));
        if (name.empty() || !type) {
            error = "an option without name or type";
            return false;
        }
        if (*type == kSubCommand || *type == kSubCommandGroup) {
            // At most group → sub-command → options; deeper nesting is not Discord's.
            if (depth >= 2) {
                error = "options nested too deeply";
                return false;
            }
            line += " " + name;
            if (!append_options(member(&option, "options"), resolved, depth + 1, line, error)) {
                return false;
            }
            continue;
        }
        const auto* value = member(&option, "value");
        if (value == nullptr) {
            error = "option '" + name + "' has no value";
            return false;
        }
        std::string text;
        if (*type == kBoolean) {
            if (!value->is_bool()) {
                error = "option '" + name + "' is not a boolean";
                return false;
            }
            if (value->get_bool()) words.positional.push_back(name);
            continue;
        }
        if (*type == kInteger || *type == kNumber) {
            if (!value->is_number()) {
                error = "option '" + name + "' is not a number";
                return false;
            }
            text = number_text(*value);
        } else if (const auto* string = value->if_string()) {
            text.assign(string->data(), string->size());
        } else {
            error = "option '" + name + "' is not a string";
            return false;
        }
        if (*type == kUser) {
            // The chat language names people by their handle; the id is all we have otherwise.
            const auto* user = member(member(member(resolved, "users"), text), "username");
            if (user != nullptr && user->is_string()) {
                text = "@" + std::string{user->get_string()};
            }
        }
        text = handlers::text::trim(text);
        if (text.empty()) continue;
        switch (role_of(name)) {
            case Role::positional: words.positional.push_back(std::move(text)); break;
            case Role::mentions:
                for (auto company : handlers::text::split_list(text)) {
                    if (company.starts_with('@')) company.erase(0, 1);
                    if (!company.empty()) words.mentions.push_back("@" + quoted_if_spaced(company));
                }
                break;
            case Role::with: words.with.push_back(std::move(text)); break;
            case Role::at: words.at.push_back(std::move(text)); break;
            case Role::notes: words.notes.push_back(std::move(text)); break;
            case Role::keyed: words.keyed.push_back(name + ":" + quoted_if_spaced(text)); break;
        }
    }
    words.append_to(line);
    return true;
}

handlers::Sender sender_of(const json::value* user) {
    handlers::Sender sender;
    sender.id = snowflake(member(user, "id"));
    sender.handle = string_member(user, "username");
    sender.display_name = handlers::text::nfc(string_member(user, "global_name"));
    if (sender.display_name.empty()) sender.display_name = sender.handle;
    return sender;
}

// --- rendering --------------------------------------------------------------------------------

/// Backslash-escapes Discord markdown so user text shows as written.
std::string escape_markdown(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const char next = i + 1 < text.size() ? text[i + 1] : '\0';
        // Quotes ("> "), headings ("# ", "## ") and subtext ("-# ") only start a line; "#42"
        // stays as it is.
        const bool line_start = i == 0 || text[i - 1] == '\n';
        const bool block =
            line_start && ((c == '>' && (next == ' ' || next == '>')) ||
                           (c == '#' && (next == ' ' || next == '#')) || (c == '-' && next == '#'));
        const bool special =
            c == '\\' || c == '*' || c == '_' || c == '~' || c == '`' || c == '|' || c == '[';
        if (special || block) out += '\\';
        out += c;
    }
    return out;
}

struct Field {
    std::string name;
    std::string value;
};

/// "Industry: IT" → {"Industry", "IT"}; "Open leads:" → {"Open leads", ""}; nullopt for a row.
std::optional<Field> field_of(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
    const auto label = line.substr(0, colon);
    const auto rest = line.substr(colon + 1);
    const bool header = rest.empty();
    if (!header && !rest.starts_with(' ')) return std::nullopt;  // "11:00", "http://…"
    if (label.front() == '#' || label.front() == '/' || label.front() == '-' ||
        label.front() == ' ' || (label.front() >= '0' && label.front() <= '9') ||
        length(label) > kFieldLabelLimit) {
        return std::nullopt;
    }
    return Field{std::string{label}, handlers::text::trim(rest)};
}

/// A reply with body lines as one embed: rows before the first field form the description;
/// "Label: value" lines and "Header:" lines become fields (a header's value is the rows under
/// it), all within Discord's per-part and 6000-character total limits.
json::object embed_of(const handlers::Reply& reply) {
    std::vector<std::string> description_rows;
    std::vector<Field> fields;
    for (const auto& line : reply.lines) {
        if (auto field = field_of(line)) {
            fields.push_back(std::move(*field));
        } else if (fields.empty()) {
            description_rows.push_back(line);
        } else {
            auto& value = fields.back().value;
            if (!value.empty()) value += '\n';
            value += line;
        }
    }
    auto join = [](const std::vector<std::string>& rows) {
        std::string out;
        for (const auto& row : rows) {
            if (!out.empty()) out += '\n';
            out += row;
        }
        return out;
    };

    json::object embed;
    const auto title = ellipsize(escape_markdown(reply.title), kEmbedTitleLimit);
    const auto footer = ellipsize(reply.usage, kFooterLimit);  // footers show no markdown
    // Two characters stay free for the "\n…" that says fields were left out.
    std::size_t budget = kEmbedTotalLimit - 2 - length(title) - length(footer);
    auto description = ellipsize(escape_markdown(join(description_rows)),
                                 std::min(kEmbedDescriptionLimit - 2, budget));
    budget -= length(description);

    json::array kept;
    for (const auto& field : fields) {
        if (kept.size() == kEmbedFieldLimit) break;
        const auto name = ellipsize(escape_markdown(field.name), kFieldNameLimit);
        auto value = field.value.empty()
                         ? std::string{"\u2014"}
                         : ellipsize(escape_markdown(field.value), kFieldValueLimit);
        const auto name_length = length(name);
        if (name_length + length(value) > budget) {
            if (budget < name_length + 2) break;
            value = ellipsize(value, budget - name_length);
        }
        budget -= name_length + length(value);
        kept.push_back(json::object{{"name", name}, {"value", value}, {"inline", false}});
    }
    if (kept.size() < fields.size()) description += description.empty() ? "\u2026" : "\n\u2026";

    if (!title.empty()) embed["title"] = title;
    if (!description.empty()) embed["description"] = description;
    if (!kept.empty()) embed["fields"] = std::move(kept);
    if (!footer.empty()) embed["footer"] = {{"text", footer}};
    // Green for a stored change, red for a mistake, blurple for information.
    embed["color"] = reply.kind == handlers::Reply::Kind::ok      ? 0x57F287
                     : reply.kind == handlers::Reply::Kind::error ? 0xED4245
                                                                  : 0x5865F2;
    return embed;
}

/// Title and usage as message text (usage as inline code), within 2000 characters.
std::string content_of(const handlers::Reply& reply) {
    std::string content = escape_markdown(reply.title);
    for (const auto& line : reply.lines) {
        if (!content.empty()) content += '\n';
        content += escape_markdown(line);
    }
    if (!reply.usage.empty()) {
        if (!content.empty()) content += '\n';
        content += reply.usage.find('`') == std::string::npos ? "`" + reply.usage + "`"
                                                              : escape_markdown(reply.usage);
    }
    return ellipsize(content, kContentLimit);
}

json::array components_of(const std::vector<handlers::Button>& buttons) {
    json::array rows;
    json::array row;
    std::vector<std::string_view> used;
    for (const auto& button : buttons) {
        // custom_id is the command the button sends back: it must fit and be unique.
        if (button.command.empty() || button.command.size() > kCustomIdBytes) continue;
        if (std::find(used.begin(), used.end(), button.command) != used.end()) continue;
        if (row.size() == kButtonsPerRow) {
            rows.push_back(json::object{{"type", 1}, {"components", std::move(row)}});
            row = json::array{};
            if (rows.size() == kRows) return rows;
        }
        used.push_back(button.command);
        const auto label =
            ellipsize(button.label.empty() ? button.command : button.label, kButtonLabelLimit);
        // The first button is the suggested next step; the rest are secondary.
        row.push_back(json::object{{"type", 2},
                                   {"style", used.size() == 1 ? 1 : 2},
                                   {"label", label},
                                   {"custom_id", button.command}});
    }
    if (!row.empty()) rows.push_back(json::object{{"type", 1}, {"components", std::move(row)}});
    return rows;
}

json::object message_object(const handlers::Reply& reply, bool ephemeral) {
    json::object data;
    json::object embed;
    if (!reply.lines.empty()) embed = embed_of(reply);
    if (embed.contains("title") || embed.contains("description") || embed.contains("fields")) {
        data["embeds"] = json::array{std::move(embed)};
    } else {
        auto content = content_of(reply);
        // A message needs some content; an empty reply still answers the interaction.
        data["content"] = content.empty() ? std::string{"\u2713"} : std::move(content);
    }
    if (auto rows = components_of(reply.buttons); !rows.empty()) {
        data["components"] = std::move(rows);
    }
    // User text must never ping anyone: no @everyone, roles or users.
    data["allowed_mentions"] = {{"parse", json::array{}}};
    if (ephemeral) data["flags"] = kEphemeral;
    return data;
}

// --- registration -----------------------------------------------------------------------------

std::string description_of(std::string_view text) {
    auto out = ellipsize(handlers::text::trim(text), kDescriptionLimit);
    return out.empty() ? std::string{"-"} : out;
}

/// A usage line without its leading "/command ": the part the free-text option holds.
std::string arguments_of(std::string_view usage) {
    if (usage.starts_with('/')) {
        const auto space = usage.find(' ');
        usage = space == std::string_view::npos ? std::string_view{} : usage.substr(space + 1);
    }
    return description_of(usage.empty() ? std::string_view{"-"} : usage);
}

}  // namespace

// --- DiscordInteraction -----------------------------------------------------------------------

std::string DiscordInteraction::encode() const {
    return std::to_string(type) + "/" + application_id + "/" + token;
}

DiscordInteraction DiscordInteraction::decode(std::string_view reply_target) {
    DiscordInteraction interaction;
    const auto first = reply_target.find('/');
    if (first == std::string_view::npos) return interaction;
    const auto second = reply_target.find('/', first + 1);
    if (second == std::string_view::npos) return interaction;
    int type = 0;
    const auto head = reply_target.substr(0, first);
    if (const auto [end, error] = std::from_chars(head.data(), head.data() + head.size(), type);
        error != std::errc{} || end != head.data() + head.size()) {
        return interaction;
    }
    interaction.type = type;
    interaction.application_id = std::string{reply_target.substr(first + 1, second - first - 1)};
    interaction.token = std::string{reply_target.substr(second + 1)};
    return interaction;
}

// --- DiscordAdapter ---------------------------------------------------------------------------

void DiscordAdapter::KeyDeleter::operator()(evp_pkey_st* key) const {
    EVP_PKEY_free(key);
}

DiscordAdapter::DiscordAdapter(DiscordOptions options) : options_(std::move(options)) {
    const auto& hex = options_.public_key;
    const auto bytes = from_hex(hex);
    if (hex.size() != kPublicKeyBytes * 2 || !bytes) {
        throw std::invalid_argument(
            "discord: the application public key must be 64 hex digits (32 bytes, from the "
            "developer portal); got " +
            std::to_string(hex.size()) + " characters" + (bytes ? "" : " that are not all hex"));
    }
    public_key_.reset(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(bytes->data()),
        bytes->size()));
    if (!public_key_) {
        throw std::invalid_argument("discord: OpenSSL refused the application public key");
    }
    if (!options_.clock) {
        options_.clock = [] {
            return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        };
    }
}

DiscordAdapter::~DiscordAdapter() = default;
DiscordAdapter::DiscordAdapter(DiscordAdapter&&) noexcept = default;
DiscordAdapter& DiscordAdapter::operator=(DiscordAdapter&&) noexcept = default;

bool DiscordAdapter::verify(const Request& request) const {
    try {
        const auto signature_header = request.find(kSignatureHeader);
        const auto timestamp_header = request.find(kTimestampHeader);
        if (signature_header == request.end() || timestamp_header == request.end()) return false;
        const auto hex = signature_header->value();
        const auto timestamp = timestamp_header->value();
        if (hex.size() != kSignatureBytes * 2) return false;
        const auto signature = from_hex(hex);
        if (!signature || !all_digits(timestamp) || timestamp.size() > 18) return false;
        if (options_.max_timestamp_age) {
            std::int64_t seconds = 0;
            std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
            const auto skew = options_.clock().time_since_epoch().count() - seconds;
            const auto window = options_.max_timestamp_age->count();
            if (skew > window || -skew > window) return false;
        }
        // Ed25519 signs the exact bytes: the timestamp header followed by the raw body.
        std::string message;
        message.reserve(timestamp.size() + request.body().size());
        message.append(timestamp).append(request.body());
        const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                              &EVP_MD_CTX_free);
        if (!context || EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr,
                                             public_key_.get()) != 1) {
            return false;
        }
        return EVP_DigestVerify(
                   context.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                   signature->size(), reinterpret_cast<const unsigned char*>(message.data()),
                   message.size()) == 1;
    } catch (...) {
        return false;  // allocation failure: not proven authentic
    }
}

Parsed DiscordAdapter::parse(const Request& request) const {
    Parsed parsed;
    // A guild interaction with member, channel and resolved data is a few KB: it usually fits
    // the buffer; larger ones spill to the heap. Ill-formed UTF-8 is a parse error (400).
    std::array<unsigned char, 8192> buffer{};
    json::monotonic_resource resource(buffer.data(), buffer.size());
    boost::system::error_code error;
    const json::value interaction = json::parse(request.body(), error, &resource);
    if (error || !interaction.is_object()) {
        parsed.error = "body is not a JSON object";
        return parsed;
    }
    const auto type = int_value(member(&interaction, "type"));
    if (!type) {
        parsed.error = "interaction type missing";
        return parsed;
    }
    auto& message = parsed.message;
    message.platform = handlers::Platform::discord;
    message.event_key = snowflake(member(&interaction, "id"));
    if (message.event_key.empty()) {
        parsed.error = "interaction id missing";
        return parsed;
    }
    const auto* data = member(&interaction, "data");
    DiscordInteraction target{static_cast<int>(*type),
                              snowflake(member(&interaction, "application_id")),
                              string_member(&interaction, "token")};
    parsed.reply_target = target.encode();

    std::string text;
    if (*type == DiscordInteraction::application_command) {
        if (data == nullptr || !data->is_object()) {
            parsed.error = "application command without data";
            return parsed;
        }
        const auto name = string_member(data, "name");
        if (name.empty()) {
            parsed.error = "application command without data.name";
            return parsed;
        }
        // User and message context-menu commands (data.type 2, 3) are not registered by us.
        if (const auto kind = int_value(member(data, "type")); kind && *kind != 1) {
            parsed.kind = Parsed::Kind::acknowledge;
            return parsed;
        }
        text = "/" + name;
        if (!append_options(member(data, "options"), member(data, "resolved"), 0, text,
                            parsed.error)) {
            return parsed;
        }
    } else if (*type == DiscordInteraction::message_component) {
        if (data == nullptr || !data->is_object()) {
            parsed.error = "component interaction without data";
            return parsed;
        }
        // Our buttons carry the command they stand for; anything else is not ours to answer.
        text = string_member(data, "custom_id");
        if (!handlers::split_command_line(text)) {
            parsed.kind = Parsed::Kind::acknowledge;
            return parsed;
        }
        message.source_message_id = snowflake(member(member(&interaction, "message"), "id"));
    } else {
        // PING, autocomplete, modal submits and future types: answered by acknowledge(parsed).
        parsed.kind = Parsed::Kind::acknowledge;
        return parsed;
    }

    message.chat_id = snowflake(member(&interaction, "channel_id"));
    if (message.chat_id.empty()) {
        message.chat_id = snowflake(member(member(&interaction, "channel"), "id"));
    }
    if (message.chat_id.empty()) {
        parsed.error = "interaction channel_id missing";
        return parsed;
    }
    message.team_id = snowflake(member(&interaction, "guild_id"));
    message.direct = message.team_id.empty();
    message.chat_title =
        handlers::text::nfc(string_member(member(&interaction, "channel"), "name"));
    // In a guild the user comes inside member; in DMs on its own.
    const auto* user = member(member(&interaction, "member"), "user");
    if (user == nullptr) user = member(&interaction, "user");
    message.sender = sender_of(user);
    if (message.sender.id.empty()) {
        parsed.error = "interaction user id missing";
        return parsed;
    }
    message.sender.locale = string_member(&interaction, "locale");
    if (message.sender.locale.empty()) {
        message.sender.locale = string_member(&interaction, "guild_locale");
    }
    message.text = handlers::text::nfc(text);
    message.received_at = time_of(message.event_key);
    parsed.kind = Parsed::Kind::message;
    return parsed;
}

std::string DiscordAdapter::message_json(const handlers::Reply& reply, bool ephemeral) {
    return json::serialize(message_object(reply, ephemeral));
}

Response DiscordAdapter::render(const Parsed& parsed, const handlers::Reply& reply,
                                unsigned version, bool keep_alive) const {
    const auto interaction = DiscordInteraction::decode(parsed.reply_target);
    if (parsed.kind != Parsed::Kind::message) return acknowledge(parsed, version, keep_alive);
    if (reply.empty() && interaction.type == DiscordInteraction::message_component) {
        return acknowledge(parsed, version, keep_alive);  // the press is taken, nothing to say
    }
    const bool ephemeral = options_.ephemeral_errors && reply.kind == handlers::Reply::Kind::error;
    json::object answer{{"type", kChannelMessageWithSource},
                        {"data", message_object(reply, ephemeral || reply.empty())}};
    return json_response(http::status::ok, json::serialize(answer), version, keep_alive);
}

Response DiscordAdapter::acknowledge(unsigned version, bool keep_alive) const {
    return json_response(http::status::ok, json::serialize(json::object{{"type", kPong}}), version,
                         keep_alive);
}

std::optional<Push> DiscordAdapter::push_file(const Parsed& parsed,
                                              const handlers::Reply& reply) const {
    if (!reply.attachment || parsed.message.chat_id.empty()) return std::nullopt;
    const auto interaction = DiscordInteraction::decode(parsed.reply_target);
    auto payload = file_fields(reply);
    payload["channel_id"] = parsed.message.chat_id;
    if (!interaction.application_id.empty() && !interaction.token.empty()) {
        payload["application_id"] = interaction.application_id;
        payload["token"] = interaction.token;
        payload["interaction_id"] = parsed.message.event_key;
    }
    return Push{parsed.message.chat_id, json::serialize(payload)};
}

std::optional<Push> DiscordAdapter::push_instead_of_file(std::string_view destination,
                                                         std::string_view file_payload,
                                                         const handlers::Reply& reply) const {
    boost::system::error_code error;
    const auto parsed = json::parse(file_payload, error);
    const auto* file = parsed.if_object();
    const auto text = [&](std::string_view key) -> std::string {
        const auto* value = file == nullptr ? nullptr : file->if_contains(key);
        return value != nullptr && value->is_string() ? std::string{value->get_string()} : "";
    };
    const auto interaction_id = text("interaction_id");
    if (reply.empty() || interaction_id.empty() || text("token").empty()) {
        return push_to(destination, reply);
    }
    json::object payload{{"application_id", text("application_id")},
                         {"token", text("token")},
                         {"follow_up", true},
                         {"message", message_object(reply, false)}};
    return Push{std::string{kDiscordInteractionPrefix} + interaction_id, json::serialize(payload)};
}

std::optional<Push> DiscordAdapter::push_to(std::string_view destination,
                                            const handlers::Reply& reply) const {
    if (reply.empty() || destination.empty()) return std::nullopt;
    // The chat key of a guild channel is "guild/channel"; a DM channel has no guild part.
    const auto slash = destination.rfind('/');
    const auto channel =
        slash == std::string_view::npos ? destination : destination.substr(slash + 1);
    if (channel.empty()) return std::nullopt;
    return Push{std::string{channel}, message_json(reply, false)};
}

Response DiscordAdapter::acknowledge(const Parsed& parsed, unsigned version,
                                     bool keep_alive) const {
    const auto interaction = DiscordInteraction::decode(parsed.reply_target);
    std::string body;
    switch (interaction.type) {
        case DiscordInteraction::ping: body = json::serialize(json::object{{"type", kPong}}); break;
        case DiscordInteraction::autocomplete:
            body = json::serialize(json::object{{"type", kAutocompleteResult},
                                                {"data", {{"choices", json::array{}}}}});
            break;
        default:
            body = json::serialize(
                json::object{{"type", replies_through_api(parsed) ? kDeferredChannelMessage
                                                                  : kDeferredUpdateMessage}});
            break;
    }
    return json_response(http::status::ok, std::move(body), version, keep_alive);
}

bool DiscordAdapter::replies_through_api(const Parsed& parsed) const {
    if (parsed.kind != Parsed::Kind::message || !options_.deferred) return false;
    return DiscordInteraction::decode(parsed.reply_target).type ==
               DiscordInteraction::application_command &&
           options_.deferred(parsed.message.text);
}

std::optional<Push> DiscordAdapter::push(const Parsed& parsed, const handlers::Reply& reply) const {
    if (!replies_through_api(parsed)) return std::nullopt;
    const auto interaction = DiscordInteraction::decode(parsed.reply_target);
    // Visibility was settled by the type 5 answer; the edit carries no flags.
    json::object payload{{"application_id", interaction.application_id},
                         {"token", interaction.token},
                         {"message", message_object(reply, false)}};
    // The token stays out of the destination, which logs and `inmaek outbox list` show.
    return Push{std::string{kDiscordInteractionPrefix} + parsed.message.event_key,
                json::serialize(payload)};
}

// --- registration -----------------------------------------------------------------------------

bool is_valid_discord_command_name(std::string_view name) {
    if (name.empty() || name.size() > 32) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

std::string discord_application_commands(const handlers::Router& router) {
    using handlers::Lang;
    json::array commands;
    for (const auto& command : router.commands()) {
        if (!is_valid_discord_command_name(command.name)) {
            throw std::logic_error("command name Discord would refuse: " + command.name);
        }
        json::object text_option{
            {"type", kString},
            {"name", "text"},
            {"description", arguments_of(handlers::catalog_text(command.usage, Lang::en))},
            {"description_localizations",
             {{"ko", arguments_of(handlers::catalog_text(command.usage, Lang::ko))}}},
            {"required", false}};
        commands.push_back(json::object{
            {"type", 1},  // CHAT_INPUT: a slash command
            {"name", command.name},
            {"description", description_of(handlers::catalog_text(command.summary, Lang::en))},
            {"description_localizations",
             {{"ko", description_of(handlers::catalog_text(command.summary, Lang::ko))}}},
            {"options", json::array{std::move(text_option)}}});
    }
    return json::serialize(commands);
}

}  // namespace inmaek::bot::platforms
