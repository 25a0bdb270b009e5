"""The periods spreadsheet's words, in Vietnamese and English (pure).

The template is filled in by the authority's staff in Excel, outside the web
app's translations, so its labels live here, keyed by field: each label is
``(vi, en)``. The web pages label the same keys in four languages on their own.
"""

from __future__ import annotations

Label = tuple[str, str]  # (Vietnamese, English)

FIELD_LABELS: dict[str, Label] = {
    "occupancy_pct": ("Tỷ lệ lấp đầy", "Occupancy"),
    "leased_ha": ("Diện tích đã cho thuê", "Leased area"),
    "projects": ("Số dự án", "Projects"),
    "fdi_capital_musd": ("Vốn FDI đăng ký", "Registered FDI capital"),
    "ddi_capital_bn_vnd": ("Vốn DDI đăng ký", "Registered DDI capital"),
    "workers": ("Số lao động", "Workers"),
    "revenue_musd": ("Doanh thu", "Revenue"),
    "exports_musd": ("Kim ngạch xuất khẩu", "Exports"),
    "fdi_new_projects": ("FDI: số dự án cấp mới", "FDI: new projects"),
    "fdi_new_musd": ("FDI: vốn cấp mới", "FDI: new capital"),
    "fdi_added_projects": ("FDI: số dự án tăng vốn", "FDI: projects adding capital"),
    "fdi_added_musd": ("FDI: vốn tăng thêm", "FDI: capital added"),
    "fdi_total_musd": ("FDI: tổng vốn thu hút", "FDI: total capital"),
    "fdi_plan_musd": ("FDI: kế hoạch năm", "FDI: the year's plan"),
    "fdi_cumulative_projects": ("FDI: lũy kế số dự án", "FDI: projects, cumulative"),
    "fdi_cumulative_musd": ("FDI: lũy kế vốn", "FDI: capital, cumulative"),
    "ddi_new_projects": ("DDI: số dự án cấp mới", "DDI: new projects"),
    "ddi_new_bn_vnd": ("DDI: vốn cấp mới", "DDI: new capital"),
    "ddi_added_projects": ("DDI: số dự án tăng vốn", "DDI: projects adding capital"),
    "ddi_added_bn_vnd": ("DDI: vốn tăng thêm", "DDI: capital added"),
    "ddi_total_bn_vnd": ("DDI: tổng vốn thu hút", "DDI: total capital"),
    "ddi_plan_bn_vnd": ("DDI: kế hoạch năm", "DDI: the year's plan"),
    "ddi_cumulative_projects": ("DDI: lũy kế số dự án", "DDI: projects, cumulative"),
    "ddi_cumulative_bn_vnd": ("DDI: lũy kế vốn", "DDI: capital, cumulative"),
    "workers_vietnamese": ("Lao động Việt Nam", "Vietnamese workers"),
    "workers_foreign": ("Lao động nước ngoài", "Foreign workers"),
    "income_m_vnd_month": ("Thu nhập bình quân", "Average income"),
    "imports_musd": ("Kim ngạch nhập khẩu", "Imports"),
    "state_budget_bn_vnd": ("Nộp ngân sách nhà nước", "State budget paid"),
    "occupancy_avg_pct": ("Tỷ lệ lấp đầy bình quân", "Average occupancy"),
    # the period sheet's rows and the sheets' other columns
    "end": ("Ngày chốt số liệu (dd/mm/yyyy)", "Figures as of (dd/mm/yyyy)"),
    "kind": ("Loại kỳ: month, quarter, year", "Kind: month, quarter, year"),
    "title": ("Tên báo cáo", "Title"),
    "illustrative": ("Số liệu minh họa (có/không)", "Illustrative figures (yes/no)"),
    "key": ("mã", "key"),
    "label": ("tên", "label"),
    "unit": ("đơn vị", "unit"),
    "value": ("giá trị", "value"),
    "park_id": ("mã KCN", "park id"),
    "park_name": ("tên KCN", "park"),
}

UNIT_LABELS: dict[str, Label] = {
    "%": ("%", "%"),
    "ha": ("ha", "ha"),
    "projects": ("dự án", "projects"),
    "people": ("người", "people"),
    "M USD": ("triệu USD", "M USD"),
    "bn VND": ("tỷ đồng", "bn VND"),
    "M VND/month": ("triệu đồng/tháng", "M VND/month"),
}

YES_NO: dict[str, Label] = {"yes": ("có", "yes"), "no": ("không", "no")}

# Vietnamese names of the kinds, also accepted in the kind cell.
KIND_WORDS = {"tháng": "month", "quý": "quarter", "năm": "year"}

README: tuple[Label, ...] = (
    (
        "Mẫu nhập số liệu kỳ báo cáo. Điền các trang 'period', 'headline' và "
        "'parks', rồi tải lên hoặc chạy: flask --app webmap periods import TỆP.",
        "Template for a reporting period's figures. Fill in the sheets 'period', "
        "'headline' and 'parks', then upload it or run: flask --app webmap "
        "periods import FILE.",
    ),
    (
        "Không sửa các mã (cột 'key' và dòng đầu của mỗi cột): hệ thống tìm cột "
        "theo mã, không theo vị trí. Tên và đơn vị chỉ để đọc.",
        "Do not change the keys (the 'key' column and the first line of each "
        "header): columns are found by key, not by position. Labels and units "
        "are for reading only.",
    ),
    (
        "Ô để trống = không có số liệu. Số liệu tổng (trang headline) là của "
        "toàn bộ KCN và KKT.",
        "A blank cell means not given. The headline figures are for all parks "
        "and zones together.",
    ),
    (
        "Số viết kiểu Việt Nam (1.171,5; 25.078; 96,3) hoặc kiểu thường "
        "(1171.5; 1,171.5) hoặc ô số của Excel đều được.",
        "Numbers in Vietnamese notation (1.171,5; 25.078; 96,3), plain notation "
        "(1171.5; 1,171.5) or Excel number cells are all accepted.",
    ),
    (
        "Quy tắc khi có thể hiểu hai cách: dấu chấm trước đúng ba chữ số là dấu "
        "phân cách hàng nghìn (1.171 = 1171); một dấu phẩy, không có dấu chấm, "
        "là dấu thập phân (1,171 = 1,171 tức một phẩy một bảy một).",
        "When a number reads two ways: a dot before exactly three digits "
        "separates thousands (1.171 = 1171); a single comma with no dot is the "
        "decimal mark (1,171 = 1.171, one point one seven one).",
    ),
    (
        "Tỷ lệ % từ 0 đến 100 (96,3 hoặc ô định dạng % của Excel). Số dự án, số "
        "lao động là số nguyên. Không có số âm.",
        "Percentages are 0–100 (96.3, or an Excel cell formatted as %). Counts of "
        "projects and workers are whole numbers. No negative numbers.",
    ),
    (
        "Doanh thu và xuất khẩu trên trang headline phải bằng tổng của các KCN "
        "trên trang parks nếu cả hai đều có (sai lệch tối đa 0,5 % hoặc do làm "
        "tròn).",
        "Revenue and exports on the headline sheet must equal the sum of the "
        "parks' rows where both are given (within 0.5 % or the rounding of the "
        "digits given).",
    ),
    (
        "Ngày chốt số liệu không được sau hôm nay. Công thức chỉ được dùng khi "
        "Excel đã lưu kết quả; hệ thống không tính công thức.",
        "The end date cannot be in the future. Formulas are read only as the "
        "value Excel saved with them; the service never computes them.",
    ),
    (
        "Nếu có lỗi, không có gì được lưu; mọi lỗi được liệt kê theo trang, "
        "dòng và cột.",
        "If anything is wrong nothing is stored; every problem is listed by "
        "sheet, row and column.",
    ),
)


def pick(label: Label, lang: str) -> tuple[str, str]:
    """``(first, second)``: the label in ``lang`` first (English unless ``vi``)."""
    return label if lang == "vi" else (label[1], label[0])


def both(label: Label, lang: str) -> str:
    """The label in both languages, ``lang``'s first: ``Doanh thu / Revenue``."""
    return " / ".join(pick(label, lang))


def unit_label(unit: str, lang: str) -> str:
    """A unit as the template writes it (``triệu USD`` in Vietnamese)."""
    return pick(UNIT_LABELS[unit], lang)[0]
