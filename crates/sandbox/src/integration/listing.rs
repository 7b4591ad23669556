//! Paging and filtering of the design-time collections the way the Oracle
//! Integration REST API does it: `limit` and `offset`, `orderBy`, and a `q`
//! filter written like `{name:'Exact Name'}`, `{name:/part/, status:'CONFIGURED'}`
//! (quotes: exact match, slashes: contains; both without regard to case).
//! A bare `q=text` is taken as "name contains text".

use serde_json::{json, Value};

use crate::form::{printable, Params};

/// Items per page when no `limit` is given.
pub const DEFAULT_LIMIT: usize = 10;

/// How one collection can be filtered and ordered.
pub struct Collection<'a> {
    pub items: &'a [Value],
    /// `q` keys and the item field each filters on.
    pub filters: &'a [(&'a str, &'a str)],
    /// `q` keys accepted and ignored (such as a monitoring time window).
    pub ignored_filters: &'a [&'a str],
    /// `orderBy` values and the field each sorts on; `time` keeps the
    /// default order (last updated first).
    pub orders: &'a [(&'a str, &'a str)],
}

/// How a filter value must match.
#[derive(Debug, PartialEq, Eq)]
pub enum Match {
    Exact(String),
    Contains(String),
}

impl Match {
    fn accepts(&self, value: &str) -> bool {
        match self {
            Match::Exact(wanted) => value.eq_ignore_ascii_case(wanted),
            Match::Contains(part) => value.to_lowercase().contains(&part.to_lowercase()),
        }
    }
}

/// One page of `collection` as asked by `query`, or the `detail` of a `400`.
pub fn page(collection: &Collection<'_>, query: &Params) -> Result<Value, String> {
    let limit = number(query, "limit")?.unwrap_or(DEFAULT_LIMIT);
    let offset = number(query, "offset")?.unwrap_or(0);
    let filters = match query.get("q") {
        Some(q) => parse_q(q)?,
        None => Vec::new(),
    };
    let mut fields = Vec::with_capacity(filters.len());
    for (key, matcher) in filters {
        if collection.ignored_filters.contains(&key.as_str()) {
            continue;
        }
        let Some((_, field)) = collection.filters.iter().find(|(name, _)| *name == key) else {
            let known: Vec<_> = collection.filters.iter().map(|(name, _)| *name).collect();
            return Err(format!(
                "q cannot filter on '{}'; filter on one of: {}",
                printable(&key),
                known.join(", ")
            ));
        };
        fields.push((*field, matcher));
    }
    let mut matching: Vec<&Value> = collection
        .items
        .iter()
        .filter(|item| {
            fields.iter().all(|(field, matcher)| {
                item.get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|value| matcher.accepts(value))
            })
        })
        .collect();
    if let Some(order) = query.get("orderBy") {
        if order != "time" {
            let Some((_, field)) = collection.orders.iter().find(|(name, _)| *name == order) else {
                let known: Vec<_> = collection.orders.iter().map(|(name, _)| *name).collect();
                return Err(format!(
                    "orderBy '{}' is not supported; use time or one of: {}",
                    printable(order),
                    known.join(", ")
                ));
            };
            matching.sort_by_key(|item| sort_key(item, field));
        }
    }
    let total = matching.len();
    let items: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .cloned()
        .collect();
    let has_more = offset.saturating_add(items.len()) < total;
    Ok(json!({
        "items": items,
        "limit": limit,
        "offset": offset,
        "hasMore": has_more,
        "totalResults": total,
    }))
}

/// A field of `item` for sorting; `field` may be a JSON pointer such as
/// `/adapterType/displayName`.
fn sort_key(item: &Value, field: &str) -> String {
    let value = if field.starts_with('/') {
        item.pointer(field)
    } else {
        item.get(field)
    };
    value
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_lowercase()
}

fn number(query: &Params, name: &str) -> Result<Option<usize>, String> {
    query
        .get(name)
        .map(|value| {
            value.trim().parse::<usize>().map_err(|_| {
                format!(
                    "{name} must be a whole number of zero or more, not '{}'",
                    printable(value)
                )
            })
        })
        .transpose()
}

/// Parses Oracle's `q` syntax: `{key:'exact', key:/contains/, key:bare}`;
/// anything not in braces is "name contains".
pub fn parse_q(q: &str) -> Result<Vec<(String, Match)>, String> {
    let q = q.trim();
    let Some(inner) = q.strip_prefix('{') else {
        return Ok(vec![("name".to_owned(), Match::Contains(q.to_owned()))]);
    };
    let malformed = || {
        format!(
            "q '{}' is not understood; write it like {{name:'Exact Name'}} or {{name:/part/, status:'CONFIGURED'}}",
            printable(q)
        )
    };
    let inner = inner.strip_suffix('}').ok_or_else(malformed)?;
    let mut filters = Vec::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let (key, after_key) = rest.split_once(':').ok_or_else(malformed)?;
        let key = key.trim().trim_matches(|c| c == '\'' || c == '"');
        if key.is_empty() {
            return Err(malformed());
        }
        let after_key = after_key.trim_start();
        let (matcher, after_value) = match after_key.chars().next() {
            Some(quote @ ('\'' | '"')) => {
                let body = &after_key[1..];
                let end = body.find(quote).ok_or_else(malformed)?;
                (Match::Exact(body[..end].to_owned()), &body[end + 1..])
            }
            Some('/') => {
                let body = &after_key[1..];
                let end = body.find('/').ok_or_else(malformed)?;
                // Regular-expression flags such as `i` change nothing here.
                let after = body[end + 1..].trim_start_matches(|c: char| c.is_ascii_alphabetic());
                (Match::Contains(body[..end].to_owned()), after)
            }
            Some(_) => {
                let end = after_key.find(',').unwrap_or(after_key.len());
                (
                    Match::Exact(after_key[..end].trim().to_owned()),
                    &after_key[end..],
                )
            }
            None => return Err(malformed()),
        };
        filters.push((key.to_owned(), matcher));
        let after_value = after_value.trim_start();
        rest = match after_value.strip_prefix(',') {
            Some(next) => next.trim_start(),
            None if after_value.is_empty() => after_value,
            None => return Err(malformed()),
        };
    }
    Ok(filters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_reads_exact_and_contains_filters() {
        assert_eq!(
            parse_q("{name : /RN/, status : 'CONFIGURED'}").unwrap(),
            vec![
                ("name".into(), Match::Contains("RN".into())),
                ("status".into(), Match::Exact("CONFIGURED".into())),
            ]
        );
        assert_eq!(
            parse_q("{name:'My Connection, Name'}").unwrap(),
            vec![("name".into(), Match::Exact("My Connection, Name".into()))]
        );
        assert_eq!(
            parse_q("{role:SOURCE}").unwrap(),
            vec![("role".into(), Match::Exact("SOURCE".into()))]
        );
        assert_eq!(
            parse_q("{name:/rest/i}").unwrap(),
            vec![("name".into(), Match::Contains("rest".into()))]
        );
    }

    #[test]
    fn a_bare_q_means_name_contains() {
        assert_eq!(
            parse_q("REST").unwrap(),
            vec![("name".into(), Match::Contains("REST".into()))]
        );
    }

    #[test]
    fn malformed_q_is_an_error_not_a_panic() {
        for q in [
            "{",
            "{name}",
            "{name:'open}",
            "{name:/open}",
            "{:'x'}",
            "{name:'x' status:'y'}",
            "{name:}",
            "{é:'é',",
        ] {
            assert!(parse_q(q).is_err(), "{q:?} should be refused");
        }
        assert_eq!(parse_q("{}").unwrap(), vec![]);
    }

    #[test]
    fn paging_reports_the_total_and_whether_more_follow() {
        let items: Vec<Value> = (0..5)
            .map(|i| json!({"name": format!("item {i}")}))
            .collect();
        let collection = Collection {
            items: &items,
            filters: &[("name", "name")],
            ignored_filters: &[],
            orders: &[],
        };
        let page = page(&collection, &Params::parse(b"limit=2&offset=2")).unwrap();
        assert_eq!(page["items"][0]["name"], "item 2");
        assert_eq!(page["totalResults"], 5);
        assert_eq!(page["hasMore"], true);
        let last = super::page(&collection, &Params::parse(b"limit=2&offset=4")).unwrap();
        assert_eq!(last["hasMore"], false);
        assert!(super::page(&collection, &Params::parse(b"limit=-1")).is_err());
    }
}
