//! The official layout of the statistical tables (annual-report-format.md §2–§4): row
//! and column codes with their exact labels, in the official order, for both formats.

use crate::applications::ReportFormat;

/// A value row or a group label of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub code: &'static str,
    pub label: &'static str,
    /// Group labels carry no values.
    pub values: bool,
}

const fn v(code: &'static str, label: &'static str) -> Row {
    Row { code, label, values: true }
}
const fn g(code: &'static str, label: &'static str) -> Row {
    Row { code, label, values: false }
}

/// Table 三 columns (identical in both formats).
pub const T3_COLUMNS: [(&str, &str); 7] = [
    ("c1", "自然人"),
    ("c2.s1", "商业企业"),
    ("c2.s2", "科研机构"),
    ("c2.s3", "社会公益组织"),
    ("c2.s4", "法律服务机构"),
    ("c2.s5", "其他"),
    ("c3", "总计"),
];

/// The applicant columns summed into 总计.
pub const T3_PARTS: [&str; 6] = ["c1", "c2.s1", "c2.s2", "c2.s3", "c2.s4", "c2.s5"];

const T3_HEAD: [Row; 24] = [
    v("t3.r1", "一、本年新收政府信息公开申请数量"),
    v("t3.r2", "二、上年结转政府信息公开申请数量"),
    g("t3.r3", "三、本年度办理结果"),
    v("t3.r3.s1", "（一）予以公开"),
    v("t3.r3.s2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    g("t3.r3.s3", "（三）不予公开"),
    v("t3.r3.s3.i1", "1.属于国家秘密"),
    v("t3.r3.s3.i2", "2.其他法律行政法规禁止公开"),
    v("t3.r3.s3.i3", "3.危及“三安全一稳定”"),
    v("t3.r3.s3.i4", "4.保护第三方合法权益"),
    v("t3.r3.s3.i5", "5.属于三类内部事务信息"),
    v("t3.r3.s3.i6", "6.属于四类过程性信息"),
    v("t3.r3.s3.i7", "7.属于行政执法案卷"),
    v("t3.r3.s3.i8", "8.属于行政查询事项"),
    g("t3.r3.s4", "（四）无法提供"),
    v("t3.r3.s4.i1", "1.本机关不掌握相关政府信息"),
    v("t3.r3.s4.i2", "2.没有现成信息需要另行制作"),
    v("t3.r3.s4.i3", "3.补正后申请内容仍不明确"),
    g("t3.r3.s5", "（五）不予处理"),
    v("t3.r3.s5.i1", "1.信访举报投诉类申请"),
    v("t3.r3.s5.i2", "2.重复申请"),
    v("t3.r3.s5.i3", "3.要求提供公开出版物"),
    v("t3.r3.s5.i4", "4.无正当理由大量反复申请"),
    v("t3.r3.s5.i5", "5.要求行政机关确认或重新出具已获取信息"),
];

const T3_TAIL_2019: [Row; 3] =
    [v("t3.r3.s6", "（六）其他处理"), v("t3.r3.s7", "（七）总计"), v("t3.r4", "四、结转下年度继续办理")];

const T3_TAIL_2021: [Row; 6] = [
    g("t3.r3.s6", "（六）其他处理"),
    v("t3.r3.s6.i1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    v("t3.r3.s6.i2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    v("t3.r3.s6.i3", "3.其他"),
    v("t3.r3.s7", "（七）总计"),
    v("t3.r4", "四、结转下年度继续办理"),
];

/// Rows of table 三 in official order.
pub fn t3_rows(f: ReportFormat) -> Vec<Row> {
    let tail: &[Row] = match f {
        ReportFormat::F2019 => &T3_TAIL_2019,
        ReportFormat::F2021 => &T3_TAIL_2021,
    };
    T3_HEAD.iter().chain(tail).copied().collect()
}

/// The result value rows `R` summed into （七）总计 (identity I2).
pub fn t3_result_rows(f: ReportFormat) -> Vec<&'static str> {
    t3_rows(f)
        .into_iter()
        .filter(|r| r.values && r.code.starts_with("t3.r3.") && r.code != "t3.r3.s7")
        .map(|r| r.code)
        .collect()
}

/// Table 四: (column code, group, label).
pub const T4_COLUMNS: [(&str, &str, &str); 15] = [
    ("c1", "行政复议", "结果维持"),
    ("c2", "行政复议", "结果纠正"),
    ("c3", "行政复议", "其他结果"),
    ("c4", "行政复议", "尚未审结"),
    ("c5", "行政复议", "总计"),
    ("c6", "行政诉讼·未经复议直接起诉", "结果维持"),
    ("c7", "行政诉讼·未经复议直接起诉", "结果纠正"),
    ("c8", "行政诉讼·未经复议直接起诉", "其他结果"),
    ("c9", "行政诉讼·未经复议直接起诉", "尚未审结"),
    ("c10", "行政诉讼·未经复议直接起诉", "总计"),
    ("c11", "行政诉讼·复议后起诉", "结果维持"),
    ("c12", "行政诉讼·复议后起诉", "结果纠正"),
    ("c13", "行政诉讼·复议后起诉", "其他结果"),
    ("c14", "行政诉讼·复议后起诉", "尚未审结"),
    ("c15", "行政诉讼·复议后起诉", "总计"),
];

/// Table 二: (block code, block label, rows (code, label), columns (code, label)).
pub struct T2Block {
    pub code: &'static str,
    pub label: &'static str,
    pub rows: &'static [(&'static str, &'static str)],
    pub columns: &'static [(&'static str, &'static str)],
}

const T2_2019: [T2Block; 5] = [
    T2Block {
        code: "t2.i1",
        label: "第二十条第（一）项",
        rows: &[("r1", "规章"), ("r2", "规范性文件")],
        columns: &[("c1", "本年新制作数量"), ("c2", "本年新公开数量"), ("c3", "对外公开总数量")],
    },
    T2Block {
        code: "t2.i5",
        label: "第二十条第（五）项",
        rows: &[("r1", "行政许可"), ("r2", "其他对外管理服务事项")],
        columns: &[("c1", "上一年项目数量"), ("c2", "本年增/减"), ("c3", "处理决定数量")],
    },
    T2Block {
        code: "t2.i6",
        label: "第二十条第（六）项",
        rows: &[("r1", "行政处罚"), ("r2", "行政强制")],
        columns: &[("c1", "上一年项目数量"), ("c2", "本年增/减"), ("c3", "处理决定数量")],
    },
    T2Block {
        code: "t2.i8",
        label: "第二十条第（八）项",
        rows: &[("r1", "行政事业性收费")],
        columns: &[("c1", "上一年项目数量"), ("c2", "本年增/减")],
    },
    T2Block {
        code: "t2.i9",
        label: "第二十条第（九）项",
        rows: &[("r1", "政府集中采购")],
        columns: &[("c1", "采购项目数量"), ("c2", "采购总金额")],
    },
];

const T2_2021: [T2Block; 4] = [
    T2Block {
        code: "t2.i1",
        label: "第二十条第（一）项",
        rows: &[("r1", "规章"), ("r2", "行政规范性文件")],
        columns: &[("c1", "本年制发件数"), ("c2", "本年废止件数"), ("c3", "现行有效件数")],
    },
    T2Block {
        code: "t2.i5",
        label: "第二十条第（五）项",
        rows: &[("r1", "行政许可")],
        columns: &[("c1", "本年处理决定数量")],
    },
    T2Block {
        code: "t2.i6",
        label: "第二十条第（六）项",
        rows: &[("r1", "行政处罚"), ("r2", "行政强制")],
        columns: &[("c1", "本年处理决定数量")],
    },
    T2Block {
        code: "t2.i8",
        label: "第二十条第（八）项",
        rows: &[("r1", "行政事业性收费")],
        columns: &[("c1", "本年收费金额（单位：万元）")],
    },
];

pub fn t2_blocks(f: ReportFormat) -> &'static [T2Block] {
    match f {
        ReportFormat::F2019 => &T2_2019,
        ReportFormat::F2021 => &T2_2021,
    }
}

/// How a cell's value is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A non-negative count.
    Count,
    /// A signed count (F2019 本年增/减).
    Signed,
    /// Money, a decimal (万元 in F2021; the unit of F2019 采购总金额 varies).
    Money,
}

/// Every value cell of the format, in official order, with its kind.
pub fn cells(f: ReportFormat) -> Vec<(String, CellKind)> {
    let mut out = Vec::new();
    for b in t2_blocks(f) {
        for (r, _) in b.rows {
            for (c, _) in b.columns {
                let code = format!("{}.{r}:{c}", b.code);
                let kind = match (f, b.code, *c) {
                    (ReportFormat::F2019, _, "c2") if b.code != "t2.i1" && b.code != "t2.i9" => CellKind::Signed,
                    (ReportFormat::F2019, "t2.i9", "c2") | (ReportFormat::F2021, "t2.i8", "c1") => CellKind::Money,
                    _ => CellKind::Count,
                };
                out.push((code, kind));
            }
        }
    }
    for r in t3_rows(f).into_iter().filter(|r| r.values) {
        for (c, _) in T3_COLUMNS {
            out.push((format!("{}:{c}", r.code), CellKind::Count));
        }
    }
    for (c, _, _) in T4_COLUMNS {
        out.push((format!("t4:{c}"), CellKind::Count));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_row_counts_match_the_format() {
        let count = |f| t3_rows(f).iter().filter(|r| r.values).count();
        assert_eq!(count(ReportFormat::F2019), 23);
        assert_eq!(count(ReportFormat::F2021), 25);
        // "三、本年度办理结果" spans 20 table rows in F2019 and 22 in F2021: its value rows (the
        // group labels （三）（四）（五） are merged cells beside their items, not rows).
        let span = |f| t3_rows(f).iter().filter(|r| r.values && r.code.starts_with("t3.r3.")).count();
        assert_eq!(span(ReportFormat::F2019), 20);
        assert_eq!(span(ReportFormat::F2021), 22);
        assert_eq!(t3_result_rows(ReportFormat::F2019).len(), 19);
        assert_eq!(t3_result_rows(ReportFormat::F2021).len(), 21);
    }

    #[test]
    fn every_outcome_row_exists_in_its_format() {
        for f in [ReportFormat::F2019, ReportFormat::F2021] {
            let rows = t3_result_rows(f);
            for o in crate::applications::Outcome::ALL {
                assert!(rows.contains(&o.row(f)), "{o:?} in {f:?}");
            }
        }
    }

    #[test]
    fn cell_lists() {
        let c19 = cells(ReportFormat::F2019);
        let c21 = cells(ReportFormat::F2021);
        assert_eq!(c19.iter().filter(|c| c.0.starts_with("t2")).count(), 6 + 6 + 6 + 2 + 2);
        assert_eq!(c21.iter().filter(|c| c.0.starts_with("t2")).count(), 6 + 1 + 2 + 1);
        assert_eq!(c19.iter().filter(|c| c.0.starts_with("t3")).count(), 23 * 7);
        assert_eq!(c21.iter().filter(|c| c.0.starts_with("t4")).count(), 15);
        assert!(c19.contains(&("t2.i5.r1:c2".into(), CellKind::Signed)));
        assert!(c19.contains(&("t2.i9.r1:c2".into(), CellKind::Money)));
        assert!(c21.contains(&("t2.i8.r1:c1".into(), CellKind::Money)));
    }
}
