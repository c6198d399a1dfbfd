#pragma once

// Which company names are "the same company written differently": (주)카카오, 카카오, 주식회사
// 카카오, Kakao Corp., KAKAO corp. Pure functions over text; the lookup itself is
// CompanyRepository::find_by_keys, an index seek per key.

#include <string>
#include <string_view>
#include <vector>

namespace inmaek::handlers::company_names {

/// The folded key of a name without its legal form: Korean and Japanese prefixes and suffixes
/// ((주), ㈜, 주식회사, 유한회사, (유), 株式会社) and English suffixes (Inc., Corp., Co., Ltd.,
/// LLC, GmbH, …), then text::fold_key (case, width, NFC, spaces, punctuation). A name that is only
/// a legal form keeps it ("Co." stays "co").
std::string core_key(std::string_view name);

/// The keys a company or alias stored for the same company could have (stored keys are
/// text::fold_key of the name as written): the core key alone and with each legal form before
/// or after it. Always holds core_key(name) first; never holds an empty key.
std::vector<std::string> similar_keys(std::string_view name);

}  // namespace inmaek::handlers::company_names
