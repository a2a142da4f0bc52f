//! Tables as cells, computed from records and checked against the identities.

use super::layout::{CellKind, T3_COLUMNS, T3_PARTS, cells, t3_result_rows, t3_rows};
use crate::appeals::{AppealKind, AppealResult, table4_column};
use crate::applications::{ApplicantKind, Outcome, ReportFormat};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A cell value: counts are integers; money may be fractional (万元).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Int(i64),
    Dec(f64),
}

impl Value {
    pub fn as_int(self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(i),
            Value::Dec(d) if d.fract() == 0.0 && d.abs() < 9e15 => Some(d as i64),
            Value::Dec(_) => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Dec(d) => write!(f, "{d}"),
        }
    }
}

/// The tables of one body and year: the contract of `gongkai report tables --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tables {
    pub format: ReportFormat,
    pub org: String,
    pub year: i16,
    pub cells: BTreeMap<String, Value>,
}

impl Tables {
    /// All cells of the format, zero.
    pub fn empty(format: ReportFormat, org: &str, year: i16) -> Self {
        let cells = cells(format).into_iter().map(|(c, _)| (c, Value::Int(0))).collect();
        Self { format, org: org.to_string(), year, cells }
    }

    pub fn get(&self, code: &str) -> i64 {
        self.cells.get(code).and_then(|v| v.as_int()).unwrap_or(0)
    }

    fn add(&mut self, code: &str, n: i64) {
        let cur = self.get(code);
        self.cells.insert(code.to_string(), Value::Int(cur + n));
    }
}

/// Parse a figure as typed: an integer, or a decimal (money).
pub fn parse_value(raw: &str) -> Option<Value> {
    let s = raw.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::Int(i));
    }
    let ok =
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') && s.matches('.').count() == 1;
    if ok { s.parse::<f64>().ok().filter(|d| d.is_finite()).map(Value::Dec) } else { None }
}

/// Check a hand-entered table-二 figure: the cell must exist in the format and the value
/// must fit its kind (counts non-negative integers, 增/减 signed integers, money decimals
/// with at most 4 places in 万元).
pub fn check_figure(format: ReportFormat, cell: &str, raw: &str) -> Result<Value, String> {
    use super::layout::CellKind;
    let kinds = cells(format);
    let Some((_, kind)) = kinds.iter().find(|(c, _)| c == cell && c.starts_with("t2.")) else {
        return Err(format!("表二中没有单元格 {cell}"));
    };
    let v = parse_value(raw).ok_or_else(|| format!("“{raw}”不是数字"))?;
    match (kind, v) {
        (CellKind::Count, Value::Int(i)) if i >= 0 => Ok(v),
        (CellKind::Count, _) => Err(format!("{cell} 应为非负整数")),
        (CellKind::Signed, Value::Int(_)) => Ok(v),
        (CellKind::Signed, _) => Err(format!("{cell} 应为整数（减少填负数）")),
        (CellKind::Money, Value::Dec(d)) if d >= 0.0 && raw.trim().split('.').nth(1).is_none_or(|f| f.len() <= 4) => {
            Ok(v)
        }
        (CellKind::Money, Value::Int(i)) if i >= 0 => Ok(v),
        (CellKind::Money, _) => Err(format!("{cell} 应为非负金额，最多4位小数（万元）")),
    }
}

/// Put hand-entered table-二 figures into computed tables.
pub fn with_figures(mut t: Tables, figures: &[(String, Value)]) -> Tables {
    for (c, v) in figures {
        if t.cells.contains_key(c) && c.starts_with("t2.") {
            t.cells.insert(c.clone(), *v);
        }
    }
    t
}

/// The cell-by-cell sum of several bodies' tables of the same format and year (a
/// supervisor's aggregate). Identities that hold for each part hold for the sum.
pub fn sum(format: ReportFormat, label: &str, year: i16, parts: &[Tables]) -> Tables {
    let mut t = Tables::empty(format, label, year);
    for p in parts.iter().filter(|p| p.format == format) {
        for (code, v) in &p.cells {
            let Some(cur) = t.cells.get(code).copied() else { continue };
            let next = match (cur, *v) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a + b),
                (a, b) => {
                    let f = |x: Value| match x {
                        Value::Int(i) => i as f64,
                        Value::Dec(d) => d,
                    };
                    // Money sums are rounded to the 4 places of 万元 to avoid float noise.
                    Value::Dec(((f(a) + f(b)) * 10_000.0).round() / 10_000.0)
                }
            };
            t.cells.insert(code.clone(), next);
        }
    }
    t
}

/// What table 三 needs of one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppFact {
    pub kind: ApplicantKind,
    /// Date of receipt (Art. 31); applications never received are not counted.
    pub received: Option<Date>,
    /// When handling finished, and how.
    pub finished: Option<(Date, Outcome)>,
}

/// What table 四 needs of one appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealFact {
    pub kind: AppealKind,
    pub filed: Date,
    pub decided: Option<(Date, AppealResult)>,
}

/// Applications counted together: same applicant column, same start (new this year or
/// carried in), same end (an outcome row this year, or carried out). Storage produces these
/// with one grouped query, so a body with a million applications is a few dozen rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub kind: ApplicantKind,
    /// Received in the year (else carried in from earlier years).
    pub new: bool,
    /// Finished in the year with this outcome (else carried out).
    pub result: Option<Outcome>,
    pub count: i64,
}

/// Table 三 from groups, table 四 from appeals (the same rules as [`compute`]).
pub fn compute_groups(format: ReportFormat, org: &str, year: i16, groups: &[Group], appeals: &[AppealFact]) -> Tables {
    let mut t = Tables::empty(format, org, year);
    for g in groups {
        let col = g.kind.column();
        t.add(&format!("{}:{col}", if g.new { "t3.r1" } else { "t3.r2" }), g.count);
        match g.result {
            Some(o) => {
                t.add(&format!("{}:{col}", o.row(format)), g.count);
                t.add(&format!("t3.r3.s7:{col}"), g.count);
            }
            None => t.add(&format!("t3.r4:{col}"), g.count),
        }
    }
    totals_and_appeals(&mut t, format, year, appeals);
    t
}

/// 1 January and 31 December of `year` (clamped into jiff's range, so always valid).
fn year_bounds(year: i16) -> (Date, Date) {
    let y = year.clamp(-9999, 9999);
    (jiff::civil::date(y, 1, 1), jiff::civil::date(y, 12, 31))
}

fn totals_and_appeals(t: &mut Tables, format: ReportFormat, year: i16, appeals: &[AppealFact]) {
    let (first, last) = year_bounds(year);
    for r in t3_rows(format).into_iter().filter(|r| r.values) {
        let sum: i64 = T3_PARTS.iter().map(|c| t.get(&format!("{}:{c}", r.code))).sum();
        t.cells.insert(format!("{}:c3", r.code), Value::Int(sum));
    }
    for a in appeals {
        // Decided before the year: reported in an earlier year.
        if a.decided.is_some_and(|(d, _)| d < first) {
            continue;
        }
        if let Some(c) = table4_column(a.kind, a.filed, a.decided, last) {
            t.add(&format!("t4:c{c}"), 1);
            t.add(&format!("t4:c{}", a.kind.first_column() + 4), 1);
        }
    }
}

/// Compute tables 三 and 四 for `year` (table 二 cells stay zero here; they come from the
/// catalog and hand-entered figures). Every identity holds by construction:
/// - 一 本年新收: received in the year;
/// - 二 上年结转: received before the year and not finished before it;
/// - 三 办理结果: finished in the year, by outcome row (each application once, R1);
/// - 四 结转下年: received by 31 December and not finished by then.
pub fn compute(format: ReportFormat, org: &str, year: i16, apps: &[AppFact], appeals: &[AppealFact]) -> Tables {
    let (first, last) = year_bounds(year);
    let groups: Vec<Group> = apps
        .iter()
        .filter_map(|a| {
            let received = a.received?;
            if received > last || a.finished.is_some_and(|(d, _)| d < first) {
                return None;
            }
            let result = a.finished.filter(|(d, _)| *d <= last).map(|(_, o)| o);
            Some(Group { kind: a.kind, new: received >= first, result, count: 1 })
        })
        .collect();
    compute_groups(format, org, year, &groups, appeals)
}

/// A broken rule: which identity, which cells, what the numbers are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub identity: &'static str,
    pub cells: Vec<String>,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.identity, self.message)
    }
}

/// The result of checking a set of tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Hard failures (I1–I3, table-四 sums, types and signs): the tables cannot be approved.
    pub failures: Vec<Failure>,
    /// Warnings (I4 carry-over, unknown cells, units).
    pub warnings: Vec<String>,
    /// Cells without a value (unreadable on an imported page, absent from a file): nothing
    /// that depends on them can be said to hold.
    pub missing: Vec<String>,
    /// Rules that do not hold as given but involve a missing cell: undecided, not failed.
    pub inconclusive: Vec<Failure>,
}

/// What a check says overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every cell present and every hard identity holds.
    Holds,
    /// A hard identity fails on cells that are all present.
    Fails,
    /// No failure on present cells, but cells are missing: the tables cannot be vouched for.
    Inconclusive,
}

impl CheckResult {
    pub fn verdict(&self) -> Verdict {
        if !self.failures.is_empty() {
            Verdict::Fails
        } else if !self.missing.is_empty() {
            Verdict::Inconclusive
        } else {
            Verdict::Holds
        }
    }
}

/// Check every hard identity; `previous` (last year's tables of the same body) enables
/// the I4 carry-over warning.
pub fn check(t: &Tables, previous: Option<&Tables>) -> CheckResult {
    let mut r = CheckResult::default();
    let known = cells(t.format);
    let kinds: BTreeMap<&str, CellKind> = known.iter().map(|(c, k)| (c.as_str(), *k)).collect();
    for code in t.cells.keys() {
        if !kinds.contains_key(code.as_str()) {
            r.warnings.push(format!("未知的单元格 {code}（{:?} 格式中没有），已忽略", t.format));
        }
    }
    r.missing = known.iter().map(|(c, _)| c.clone()).filter(|c| !t.cells.contains_key(c)).collect();
    // Types and signs.
    for (code, kind) in &known {
        let Some(v) = t.cells.get(code) else { continue };
        match (kind, v.as_int()) {
            (CellKind::Money, _) => {
                let negative = match v {
                    Value::Int(i) => *i < 0,
                    Value::Dec(d) => *d < 0.0,
                };
                if negative {
                    r.failures.push(Failure {
                        identity: "N",
                        cells: vec![code.clone()],
                        message: format!("{code} = {v}：金额不能为负数"),
                    });
                }
            }
            (_, None) => r.failures.push(Failure {
                identity: "N",
                cells: vec![code.clone()],
                message: format!("{code} = {v}：应为整数"),
            }),
            (CellKind::Count, Some(i)) if i < 0 => r.failures.push(Failure {
                identity: "N",
                cells: vec![code.clone()],
                message: format!("{code} = {i}：件数不能为负数"),
            }),
            _ => {}
        }
    }
    let g = |c: &str| t.get(c);
    // I1: 总计 column of every value row.
    for row in t3_rows(t.format).into_iter().filter(|x| x.values) {
        let parts: Vec<String> = T3_PARTS.iter().map(|c| format!("{}:{c}", row.code)).collect();
        let sum: i64 = parts.iter().map(|c| g(c)).sum();
        let total = g(&format!("{}:c3", row.code));
        if sum != total {
            let detail: Vec<String> = parts.iter().map(|c| g(c).to_string()).collect();
            let mut cells = parts.clone();
            cells.push(format!("{}:c3", row.code));
            r.failures.push(Failure {
                identity: "I1",
                cells,
                message: format!(
                    "{}:c3 = {total}，但 c1+c2.s1+c2.s2+c2.s3+c2.s4+c2.s5 = {sum}（{}）",
                    row.code,
                    detail.join("+")
                ),
            });
        }
    }
    // I2 and I3 for every column.
    let results = t3_result_rows(t.format);
    for (c, label) in T3_COLUMNS {
        let parts: Vec<String> = results.iter().map(|x| format!("{x}:{c}")).collect();
        let sum: i64 = parts.iter().map(|x| g(x)).sum();
        let total = g(&format!("t3.r3.s7:{c}"));
        if sum != total {
            let mut cells = parts;
            cells.push(format!("t3.r3.s7:{c}"));
            r.failures.push(Failure {
                identity: "I2",
                cells,
                message: format!("t3.r3.s7:{c}（{label}）= {total}，但各项办理结果之和 = {sum}"),
            });
        }
        let (a, b, s7, d) = (g(&format!("t3.r1:{c}")), g(&format!("t3.r2:{c}")), total, g(&format!("t3.r4:{c}")));
        if a + b != s7 + d {
            r.failures.push(Failure {
                identity: "I3",
                cells: vec![format!("t3.r1:{c}"), format!("t3.r2:{c}"), format!("t3.r3.s7:{c}"), format!("t3.r4:{c}")],
                message: format!(
                    "{label}列：t3.r1 + t3.r2 = {a} + {b} = {}，但 t3.r3.s7 + t3.r4 = {s7} + {d} = {}",
                    a + b,
                    s7 + d
                ),
            });
        }
    }
    // Table 四 group sums.
    for (total, first) in [(5, 1), (10, 6), (15, 11)] {
        let parts: Vec<String> = (first..first + 4).map(|i| format!("t4:c{i}")).collect();
        let sum: i64 = parts.iter().map(|x| g(x)).sum();
        let tot = g(&format!("t4:c{total}"));
        if sum != tot {
            let detail: Vec<String> = parts.iter().map(|x| g(x).to_string()).collect();
            let mut cells = parts;
            cells.push(format!("t4:c{total}"));
            r.failures.push(Failure {
                identity: "T4",
                cells,
                message: format!(
                    "t4:c{total} = {tot}，但 t4:c{first}..c{} 之和 = {sum}（{}）",
                    first + 3,
                    detail.join("+")
                ),
            });
        }
    }
    // I4 (warning): this year's carry-in equals last year's carry-out.
    if let Some(p) = previous {
        for (c, label) in T3_COLUMNS {
            let (now, before) = (g(&format!("t3.r2:{c}")), p.get(&format!("t3.r4:{c}")));
            if now != before {
                r.warnings.push(format!(
                    "I4 {label}列：本年 t3.r2 = {now}，与上年 t3.r4 = {before} 不一致（机构调整或更正时可能出现，请核实）"
                ));
            }
        }
    }
    // A rule broken only as far as a missing cell is concerned is undecided.
    if !r.missing.is_empty() {
        let missing: std::collections::BTreeSet<&str> = r.missing.iter().map(String::as_str).collect();
        let (undecided, failed): (Vec<Failure>, Vec<Failure>) = std::mem::take(&mut r.failures)
            .into_iter()
            .partition(|f| f.cells.iter().any(|c| missing.contains(c.as_str())));
        r.failures = failed;
        r.inconclusive = undecided;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appeals::{AppealKind, AppealResult};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn app(kind: ApplicantKind, received: &str, finished: Option<(&str, Outcome)>) -> AppFact {
        AppFact { kind, received: Some(d(received)), finished: finished.map(|(f, o)| (d(f), o)) }
    }

    fn sample(format: ReportFormat, year: i16) -> Tables {
        use ApplicantKind::*;
        let y = |s: &str| {
            s.replace("Y", &year.to_string())
                .replace("P", &(year - 1).to_string())
                .replace("N", &(year + 1).to_string())
        };
        let apps = vec![
            app(NaturalPerson, &y("P-12-20"), Some((&y("Y-01-10"), Outcome::Disclosed))),
            app(NaturalPerson, &y("P-06-01"), Some((&y("P-07-01"), Outcome::Disclosed))),
            app(Commercial, &y("Y-03-01"), Some((&y("Y-03-20"), Outcome::PartlyDisclosed))),
            app(LegalService, &y("Y-05-01"), Some((&y("Y-05-30"), Outcome::NotHeld))),
            app(NaturalPerson, &y("Y-06-01"), Some((&y("Y-06-09"), Outcome::CorrectionLapsed))),
            app(NaturalPerson, &y("Y-12-20"), Some((&y("N-01-08"), Outcome::Disclosed))),
            app(Research, &y("Y-12-28"), None),
            AppFact { kind: NaturalPerson, received: None, finished: None },
        ];
        let appeals = vec![
            AppealFact {
                kind: AppealKind::Reconsideration,
                filed: d(&y("Y-02-01")),
                decided: Some((d(&y("Y-04-01")), AppealResult::Upheld)),
            },
            AppealFact {
                kind: AppealKind::Reconsideration,
                filed: d(&y("Y-11-01")),
                decided: Some((d(&y("N-02-01")), AppealResult::Corrected)),
            },
            AppealFact {
                kind: AppealKind::LitigationDirect,
                filed: d(&y("P-11-01")),
                decided: Some((d(&y("P-12-01")), AppealResult::Other)),
            },
        ];
        compute(format, "测试局", year, &apps, &appeals)
    }

    #[test]
    fn computed_tables_count_each_application_once() {
        let t = sample(ReportFormat::F2021, 2024);
        assert_eq!(t.get("t3.r1:c1"), 2);
        assert_eq!(t.get("t3.r1:c3"), 5);
        assert_eq!(t.get("t3.r2:c3"), 1, "only the December application is carried in");
        assert_eq!(t.get("t3.r3.s1:c1"), 1);
        assert_eq!(t.get("t3.r3.s2:c2.s1"), 1);
        assert_eq!(t.get("t3.r3.s4.i1:c2.s4"), 1);
        assert_eq!(t.get("t3.r3.s6.i1:c1"), 1);
        assert_eq!(t.get("t3.r3.s7:c3"), 4);
        assert_eq!(t.get("t3.r4:c3"), 2);
        assert_eq!((t.get("t4:c1"), t.get("t4:c4"), t.get("t4:c5"), t.get("t4:c10")), (1, 1, 2, 0));
        let r = check(&t, None);
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        // F2019 folds 其他处理 into one row.
        let t19 = sample(ReportFormat::F2019, 2020);
        assert_eq!(t19.get("t3.r3.s6:c1"), 1);
        assert!(check(&t19, None).failures.is_empty());
    }

    #[test]
    fn i1_row_total_is_checked() {
        let mut t = sample(ReportFormat::F2021, 2024);
        t.cells.insert("t3.r3.s1:c3".into(), Value::Int(9));
        let f = check(&t, None).failures;
        assert!(f.iter().any(|x| x.identity == "I1" && x.cells.contains(&"t3.r3.s1:c3".to_string())), "{f:?}");
        assert!(f[0].to_string().starts_with("I1 t3.r3.s1:c3 = 9"), "{}", f[0]);
    }

    #[test]
    fn i2_results_total_is_checked() {
        let mut t = sample(ReportFormat::F2021, 2024);
        // Move one result between columns consistently for I1 but not for I2.
        t.cells.insert("t3.r3.s7:c1".into(), Value::Int(t.get("t3.r3.s7:c1") + 1));
        t.cells.insert("t3.r3.s7:c2.s1".into(), Value::Int(t.get("t3.r3.s7:c2.s1") - 1));
        let f = check(&t, None).failures;
        assert!(f.iter().any(|x| x.identity == "I2" && x.cells.contains(&"t3.r3.s7:c1".to_string())), "{f:?}");
        assert!(!f.iter().any(|x| x.identity == "I1"));
    }

    #[test]
    fn i3_balance_is_checked() {
        let mut t = sample(ReportFormat::F2019, 2020);
        t.cells.insert("t3.r4:c1".into(), Value::Int(t.get("t3.r4:c1") + 2));
        t.cells.insert("t3.r4:c3".into(), Value::Int(t.get("t3.r4:c3") + 2));
        let f = check(&t, None).failures;
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().all(|x| x.identity == "I3"));
        assert!(f[0].message.contains("自然人列"), "{}", f[0]);
    }

    #[test]
    fn table_4_sums_are_checked() {
        let mut t = sample(ReportFormat::F2021, 2024);
        t.cells.insert("t4:c15".into(), Value::Int(3));
        let f = check(&t, None).failures;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].identity, "T4");
        assert!(f[0].message.contains("t4:c15 = 3"));
    }

    #[test]
    fn types_signs_and_warnings() {
        let mut t = sample(ReportFormat::F2019, 2020);
        t.cells.insert("t2.i5.r1:c2".into(), Value::Int(-8));
        t.cells.insert("t2.i9.r1:c2".into(), Value::Dec(12.5));
        assert!(check(&t, None).failures.is_empty(), "signed 增/减 and decimal money are fine");
        t.cells.insert("t2.i1.r2:c1".into(), Value::Int(-1));
        t.cells.insert("t3.r1:c1".into(), Value::Dec(1.5));
        t.cells.insert("t9.bogus".into(), Value::Int(1));
        let r = check(&t, None);
        assert!(r.failures.iter().any(|x| x.identity == "N" && x.message.contains("t2.i1.r2:c1")));
        assert!(r.failures.iter().any(|x| x.identity == "N" && x.message.contains("应为整数")));
        assert!(r.warnings.iter().any(|w| w.contains("t9.bogus")));
    }

    #[test]
    fn hand_entered_figures_are_typed_by_cell() {
        let f19 = ReportFormat::F2019;
        assert_eq!(check_figure(f19, "t2.i5.r1:c2", "-8"), Ok(Value::Int(-8)));
        assert!(check_figure(f19, "t2.i5.r1:c1", "-8").is_err());
        assert!(check_figure(f19, "t2.i1.r1:c1", "1.5").is_err());
        assert_eq!(check_figure(f19, "t2.i9.r1:c2", "12.3456"), Ok(Value::Dec(12.3456)));
        assert!(check_figure(f19, "t2.i9.r1:c2", "12.34567").is_err());
        assert!(check_figure(f19, "t3.r1:c1", "1").is_err(), "table 三 comes from records only");
        assert!(check_figure(ReportFormat::F2021, "t2.i9.r1:c1", "1").is_err(), "no item (九) in F2021");
        assert_eq!(check_figure(ReportFormat::F2021, "t2.i8.r1:c1", "0.35"), Ok(Value::Dec(0.35)));
        assert!(check_figure(f19, "t2.i5.r1:c3", "abc").is_err());
        let t = with_figures(
            Tables::empty(f19, "x", 2020),
            &[("t2.i5.r1:c3".into(), Value::Int(120)), ("t3.r1:c1".into(), Value::Int(9))],
        );
        assert_eq!((t.get("t2.i5.r1:c3"), t.get("t3.r1:c1")), (120, 0));
    }

    #[test]
    fn sums_keep_the_identities() {
        let a = sample(ReportFormat::F2021, 2024);
        let mut b = sample(ReportFormat::F2021, 2024);
        b.cells.insert("t2.i8.r1:c1".into(), Value::Dec(0.1));
        let mut c = a.clone();
        c.cells.insert("t2.i8.r1:c1".into(), Value::Dec(0.2));
        let s = sum(ReportFormat::F2021, "合计", 2024, &[c, b, sample(ReportFormat::F2019, 2024)]);
        assert_eq!(s.get("t3.r3.s7:c3"), 2 * a.get("t3.r3.s7:c3"), "other formats are not mixed in");
        assert_eq!(s.cells["t2.i8.r1:c1"], Value::Dec(0.3));
        assert!(check(&s, None).failures.is_empty());
    }

    #[test]
    fn i4_is_a_warning() {
        let last = sample(ReportFormat::F2021, 2023);
        let mut now = sample(ReportFormat::F2021, 2024);
        assert!(check(&now, Some(&last)).warnings.iter().any(|w| w.starts_with("I4")), "sample carries 2 out, 1 in");
        for (c, _) in T3_COLUMNS {
            let v = last.get(&format!("t3.r4:{c}"));
            let diff = v - now.get(&format!("t3.r2:{c}"));
            now.cells.insert(format!("t3.r2:{c}"), Value::Int(v));
            now.cells.insert(format!("t3.r4:{c}"), Value::Int(now.get(&format!("t3.r4:{c}")) + diff));
        }
        let r = check(&now, Some(&last));
        assert!(r.failures.is_empty() && r.warnings.is_empty(), "{r:?}");
    }
}
