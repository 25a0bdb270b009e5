"""The periodic report's words in Vietnamese and English.

The report's language is an argument (``?lang=`` of ``/reports/<period>.docx``),
not the request's, and the report is written in the two languages the authority
reports in; so its words are this small table rather than the request's gettext
catalogue. ``label(key, lang)`` falls back to the key, never fails.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {  # key → (Vietnamese, English)
    # the first page
    "title": (
        "Báo cáo tình hình các khu công nghiệp, khu kinh tế Hải Phòng",
        "Report on Hai Phong's industrial parks and economic zones",
    ),
    "as_of": ("Số liệu tính đến ngày {date}", "Figures as of {date}"),
    "period": (
        "Kỳ báo cáo: {title} ({kind}), lần sửa {revision}",
        "Reporting period: {title} ({kind}), revision {revision}",
    ),
    "month": ("tháng", "month"),
    "quarter": ("quý", "quarter"),
    "year": ("năm", "year"),
    "draft": (
        "BẢN NHÁP: số liệu chưa được công bố.",
        "DRAFT: these figures are not published.",
    ),
    "illustrative": (
        "SỐ LIỆU MINH HỌA: số liệu của kỳ này được lập để trình diễn, "
        "không phải số liệu báo cáo của Ban Quản lý Khu kinh tế Hải Phòng.",
        "ILLUSTRATIVE FIGURES: this period's figures were made up for the "
        "demonstration; they are not figures reported by the Hai Phong Economic "
        "Zone Authority.",
    ),
    "source": (
        "Lập tự động từ dữ liệu của parkmap (Ban Quản lý Khu kinh tế Hải Phòng).",
        "Generated from parkmap's data (Hai Phong Economic Zone Authority).",
    ),
    "summary": ("Tóm tắt", "Summary"),
    "none": ("Không có.", "None."),
    # the tables and their sheets
    "table_parks": (
        "1. Các khu công nghiệp và tỷ lệ lấp đầy",
        "1. Parks and occupancy",
    ),
    "table_investment": ("2. Thu hút đầu tư", "2. Investment"),
    "table_workforce": ("3. Lao động", "3. Workforce"),
    "table_business": ("4. Sản xuất, kinh doanh", "4. Business"),
    "table_housing": (
        "5. Nhà ở công nhân và nhà ở xã hội",
        "5. Worker and social housing",
    ),
    "table_clearance": (
        "6. Các khu công nghiệp vướng giải phóng mặt bằng",
        "6. Parks held back by site clearance",
    ),
    "sheet_parks": ("KCN", "Parks"),
    "sheet_investment": ("Đầu tư", "Investment"),
    "sheet_workforce": ("Lao động", "Workforce"),
    "sheet_business": ("Kinh doanh", "Business"),
    "sheet_housing": ("Nhà ở", "Housing"),
    "sheet_clearance": ("GPMB", "Site clearance"),
    # columns
    "no": ("STT", "No."),
    "park": ("Khu công nghiệp", "Industrial park"),
    "occupancy": ("Tỷ lệ lấp đầy", "Occupancy"),
    "occupancy_year_earlier": ("Cùng kỳ năm trước", "A year earlier"),
    "leased": ("Đất đã cho thuê (ha)", "Leased land (ha)"),
    "state": ("Tình trạng", "State"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "unit": ("Đơn vị", "Unit"),
    "value": ("Kỳ này", "This period"),
    "year_earlier": ("Cùng kỳ năm trước", "Same period a year earlier"),
    "of_same_period": ("So với cùng kỳ", "% of the same period"),
    "of_plan": ("So với kế hoạch năm", "% of the year's plan"),
    "project": ("Dự án", "Project"),
    "kind": ("Loại", "Type"),
    "location": ("Địa điểm", "Location"),
    "capacity": ("Quy mô (người)", "Size (people)"),
    "area": ("Diện tích (ha)", "Area (ha)"),
    "progress": ("Tiến độ", "Progress"),
    "parcels": ("Số lô", "Parcels"),
    "planned_ha": ("Diện tích kế hoạch (ha)", "Planned (ha)"),
    "cleared_ha": ("Đã giải phóng (ha)", "Cleared (ha)"),
    "not_cleared_ha": ("Chưa giải phóng (ha)", "Not cleared (ha)"),
    "cleared_pct": ("Tỷ lệ đã giải phóng", "Cleared share"),
    "households": ("Hộ bị ảnh hưởng", "Households affected"),
    "relocated": ("Hộ đã di dời", "Households relocated"),
    "overdue": ("Lô quá hạn", "Overdue parcels"),
    "average": ("Bình quân các khu công nghiệp", "Average of all parks"),
    "workers_total": ("Tổng số lao động", "All workers"),
    # the statements
    "of_same_period_phrase": ("{pct} so với cùng kỳ", "{pct} of the same period"),
    "of_previous_phrase": ("{pct} so với kỳ trước", "{pct} of the previous period"),
    "of_plan_phrase": ("{pct} kế hoạch năm", "{pct} of the year's plan"),
    "equal_to": ("bằng ", ""),
    "fdi_statement": (
        "Vốn đầu tư nước ngoài (FDI): {new_projects} dự án cấp mới, {new}; "
        "{added_projects} dự án điều chỉnh tăng vốn, {added}; tổng cộng {total}.",
        "Foreign investment (FDI): {new_projects} new projects, {new}; "
        "{added_projects} projects added {added}; in all {total}.",
    ),
    "ddi_statement": (
        "Vốn đầu tư trong nước (DDI): {new_projects} dự án cấp mới, {new}; "
        "{added_projects} dự án điều chỉnh tăng vốn, {added}; tổng cộng {total}.",
        "Domestic investment (DDI): {new_projects} new projects, {new}; "
        "{added_projects} projects added {added}; in all {total}.",
    ),
    "cumulative_statement": (
        "Lũy kế: {fdi_projects} dự án FDI, {fdi}; {ddi_projects} dự án trong nước, "
        "{ddi}.",
        "Cumulative: {fdi_projects} FDI projects, {fdi}; {ddi_projects} domestic "
        "projects, {ddi}.",
    ),
    # the periods' fields (layers.periods.rules)
    "fdi_new_projects": ("FDI: dự án cấp mới", "FDI: new projects"),
    "fdi_new_musd": ("FDI: vốn cấp mới", "FDI: new capital"),
    "fdi_added_projects": ("FDI: dự án tăng vốn", "FDI: projects adding capital"),
    "fdi_added_musd": ("FDI: vốn tăng thêm", "FDI: capital added"),
    "fdi_total_musd": ("FDI: tổng vốn thu hút", "FDI: total attracted"),
    "fdi_plan_musd": ("FDI: kế hoạch năm", "FDI: the year's plan"),
    "fdi_cumulative_projects": ("FDI: lũy kế số dự án", "FDI: projects, cumulative"),
    "fdi_cumulative_musd": ("FDI: lũy kế vốn đầu tư", "FDI: capital, cumulative"),
    "ddi_new_projects": ("Trong nước: dự án cấp mới", "DDI: new projects"),
    "ddi_new_bn_vnd": ("Trong nước: vốn cấp mới", "DDI: new capital"),
    "ddi_added_projects": (
        "Trong nước: dự án tăng vốn",
        "DDI: projects adding capital",
    ),
    "ddi_added_bn_vnd": ("Trong nước: vốn tăng thêm", "DDI: capital added"),
    "ddi_total_bn_vnd": ("Trong nước: tổng vốn thu hút", "DDI: total attracted"),
    "ddi_plan_bn_vnd": ("Trong nước: kế hoạch năm", "DDI: the year's plan"),
    "ddi_cumulative_projects": (
        "Trong nước: lũy kế số dự án",
        "DDI: projects, cumulative",
    ),
    "ddi_cumulative_bn_vnd": (
        "Trong nước: lũy kế vốn đầu tư",
        "DDI: capital, cumulative",
    ),
    "workers_vietnamese": ("Lao động Việt Nam", "Vietnamese workers"),
    "workers_foreign": ("Lao động nước ngoài", "Foreign workers"),
    "income_m_vnd_month": ("Thu nhập bình quân", "Average income"),
    "revenue_musd": ("Doanh thu", "Revenue"),
    "exports_musd": ("Xuất khẩu", "Exports"),
    "imports_musd": ("Nhập khẩu", "Imports"),
    "state_budget_bn_vnd": ("Nộp ngân sách nhà nước", "State budget paid"),
    "occupancy_avg_pct": ("Tỷ lệ lấp đầy bình quân", "Average occupancy"),
    "occupancy_pct": ("Tỷ lệ lấp đầy", "Occupancy"),
    "leased_ha": ("Đất đã cho thuê", "Leased land"),
    "projects": ("Số dự án", "Projects"),
    "fdi_capital_musd": ("Vốn FDI đăng ký", "FDI capital registered"),
    "ddi_capital_bn_vnd": ("Vốn trong nước đăng ký", "DDI capital registered"),
    "workers": ("Lao động", "Workers"),
    # coded values of the parks and housing layers
    "operating": ("đang hoạt động", "operating"),
    "clearance": ("đang giải phóng mặt bằng", "site clearance under way"),
    "infrastructure": (
        "đang xây dựng hạ tầng, thu hút đầu tư",
        "building infrastructure, attracting investment",
    ),
    "planned": ("quy hoạch", "planned"),
    "worker": ("nhà ở công nhân", "worker housing"),
    "social": ("nhà ở xã hội", "social housing"),
    "dormitory": ("ký túc xá", "dormitory"),
    "urban": ("khu đô thị – dịch vụ", "urban and service area"),
    "proposed": ("đề xuất", "proposed"),
    "preparing": (
        "đang chuẩn bị chủ trương đầu tư",
        "investment policy in preparation",
    ),
    "permitted": ("đã được cấp phép", "permitted"),
    "under_construction": ("đang xây dựng", "under construction"),
    "in_use": ("đang sử dụng", "in use"),
}


def label(key: str, lang: str, **values: object) -> str:
    """The words for ``key`` in ``lang`` (``vi`` or ``en``), ``values`` filled in.

    A key not in the table (a value a GIS officer typed) is returned as it is.
    """
    pair = WORDS.get(key)
    if pair is None:
        return key
    words = pair[0] if lang == "vi" else pair[1]
    return words.format(**values) if values else words
