//! The expression builder: the port's conditions and updates as DynamoDB expressions, with
//! every attribute name and value behind a placeholder.

use super::attributes::{AttributeMap, to_attribute};
use crate::ports::{Cond, Item, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// An attribute that no item has. Removing it is how an update with nothing to change still
/// creates a missing item, as `UpdateItem` without an expression would (which moto refuses).
const NOOP_ATTR: &str = "__noop";

/// Placeholders of one expression: every attribute name goes through `#n…` (so reserved
/// words cannot break an expression), every value through `:v…`.
#[derive(Default)]
pub(super) struct Expr {
    names: HashMap<String, String>,
    values: AttributeMap,
}

impl Expr {
    pub(super) fn name(&mut self, attr: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| *a == attr) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attr.to_owned());
        placeholder
    }

    pub(super) fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    pub(super) fn cond(&mut self, cond: &Cond) -> Result<String, StoreError> {
        // An empty AND holds and an empty OR fails, as on the memory table; DynamoDB has no
        // literals, so both are spelt with the key attribute.
        const ALWAYS: &str = "(attribute_exists(pk) OR attribute_not_exists(pk))";
        const NEVER: &str = "(attribute_exists(pk) AND attribute_not_exists(pk))";
        Ok(match cond {
            Cond::NotExists => "attribute_not_exists(pk)".to_owned(),
            Cond::Exists => "attribute_exists(pk)".to_owned(),
            Cond::Eq(attr, v) => {
                let n = self.name(attr);
                let v = self.value(to_attribute(v)?);
                format!("{n} = {v}")
            }
            Cond::Absent(attr) => format!("attribute_not_exists({})", self.name(attr)),
            Cond::Lt(attr, x) => {
                let n = self.name(attr);
                let v = self.value(AttributeValue::N(x.to_string()));
                format!("{n} < {v}")
            }
            Cond::Gt(attr, x) => {
                let n = self.name(attr);
                let v = self.value(AttributeValue::N(x.to_string()));
                format!("{n} > {v}")
            }
            Cond::And(cs) if cs.is_empty() => ALWAYS.to_owned(),
            Cond::Or(cs) if cs.is_empty() => NEVER.to_owned(),
            Cond::And(cs) => self.join(cs, " AND ")?,
            Cond::Or(cs) => self.join(cs, " OR ")?,
        })
    }

    fn join(&mut self, conds: &[Cond], op: &str) -> Result<String, StoreError> {
        let parts = conds
            .iter()
            .map(|c| self.cond(c).map(|s| format!("({s})")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(parts.join(op))
    }

    pub(super) fn update(
        &mut self,
        set: &Item,
        remove: &[String],
        add: &[(String, i64)],
    ) -> Result<String, StoreError> {
        let mut clauses = Vec::new();
        if !set.is_empty() {
            let mut parts = Vec::with_capacity(set.len());
            for (attr, v) in set {
                let n = self.name(attr);
                let v = self.value(to_attribute(v)?);
                parts.push(format!("{n} = {v}"));
            }
            clauses.push(format!("SET {}", parts.join(", ")));
        }
        if !remove.is_empty() {
            let parts: Vec<String> = remove.iter().map(|a| self.name(a)).collect();
            clauses.push(format!("REMOVE {}", parts.join(", ")));
        }
        if !add.is_empty() {
            let parts: Vec<String> = add
                .iter()
                .map(|(attr, x)| {
                    let n = self.name(attr);
                    let v = self.value(AttributeValue::N(x.to_string()));
                    format!("{n} {v}")
                })
                .collect();
            clauses.push(format!("ADD {}", parts.join(", ")));
        }
        if clauses.is_empty() {
            clauses.push(format!("REMOVE {}", self.name(NOOP_ATTR)));
        }
        Ok(clauses.join(" "))
    }

    /// DynamoDB refuses empty placeholder maps.
    pub(super) fn names(&mut self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| std::mem::take(&mut self.names))
    }

    pub(super) fn values(&mut self) -> Option<AttributeMap> {
        (!self.values.is_empty()).then(|| std::mem::take(&mut self.values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(cond: &Cond) -> (String, Option<HashMap<String, String>>) {
        let mut e = Expr::default();
        let s = e.cond(cond).unwrap();
        (s, e.names())
    }

    #[test]
    fn nested_conditions_are_parenthesised() {
        let (s, names) = render(&Cond::And(vec![
            Cond::Or(vec![
                Cond::Eq("status", json!("pending")),
                Cond::Lt("claimedAt", 5),
            ]),
            Cond::Absent("status"),
            Cond::Exists,
        ]));
        assert_eq!(
            s,
            "((#n0 = :v0) OR (#n1 < :v1)) AND (attribute_not_exists(#n0)) AND (attribute_exists(pk))"
        );
        assert_eq!(names.unwrap().len(), 2, "one placeholder per attribute");
    }

    #[test]
    fn empty_conditions_hold_or_fail_like_the_memory_table() {
        assert!(render(&Cond::And(vec![])).0.contains(" OR "));
        assert!(render(&Cond::Or(vec![])).0.contains(" AND "));
    }

    #[test]
    fn an_update_with_nothing_to_change_is_still_a_valid_expression() {
        let mut e = Expr::default();
        assert_eq!(e.update(&Item::new(), &[], &[]).unwrap(), "REMOVE #n0");
        let mut e = Expr::default();
        let mut set = Item::new();
        set.insert("a".into(), json!(1));
        let s = e.update(&set, &["b".into()], &[("c".into(), -2)]).unwrap();
        assert_eq!(s, "SET #n0 = :v0 REMOVE #n1 ADD #n2 :v1");
    }
}
