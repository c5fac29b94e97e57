"""The planners' page in English and Thai."""

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Coverage for planners",
        "intro": "Who is within reach of a serving site, where the gaps are, and where to build next.",
        "layer": "Programme", "radius": "Service radius (m)", "level": "Units", "area": "Area (admin code)",
        "population": "Population raster", "none": "None (land area)", "show": "Show",
        "province": "Province", "district": "District", "subdistrict": "Subdistrict",
        "computing": "Computing… this page reloads when the results are ready.",
        "summary": "Summary", "nation": "Thailand", "this_area": "This area",
        "least_covered": "Least-covered units", "code": "Code", "name": "Name", "sites": "Serving sites",
        "area_km2": "Land (km²)", "covered_share": "Land covered", "people": "People",
        "people_share": "People covered", "downloads": "Downloads", "units_csv": "Units (CSV)",
        "units_json": "Units (JSON)", "gaps": "Gaps (GeoJSON)", "proposals": "Proposed sites (GeoJSON)",
        "distance": "Distance raster (GeoTIFF)", "repairs": "Repair priorities (JSON)",
        "legend": "Share of land within reach", "legend_people": "Share of people within reach",
        "gap_layer": "Uncovered land", "proposal_layer": "Proposed sites", "gain": "Gain",
        "language": "ภาษาไทย", "per_100km2": "Sites per 100 km²",
    },
    "th": {
        "title": "การวิเคราะห์ความครอบคลุมสำหรับนักวางแผน",
        "intro": "ใครอยู่ในระยะบริการ พื้นที่ใดยังขาด และควรสร้างจุดใหม่ที่ใด",
        "layer": "โครงการ", "radius": "รัศมีบริการ (เมตร)", "level": "ระดับพื้นที่", "area": "พื้นที่ (รหัส)",
        "population": "ข้อมูลประชากร", "none": "ไม่ใช้ (ใช้พื้นที่)", "show": "แสดงผล",
        "province": "จังหวัด", "district": "อำเภอ", "subdistrict": "ตำบล",
        "computing": "กำลังคำนวณ… หน้านี้จะโหลดใหม่เมื่อผลลัพธ์พร้อม",
        "summary": "สรุป", "nation": "ทั้งประเทศ", "this_area": "พื้นที่นี้",
        "least_covered": "พื้นที่ที่ครอบคลุมน้อยที่สุด", "code": "รหัส", "name": "ชื่อ", "sites": "จุดที่ให้บริการ",
        "area_km2": "พื้นที่ (ตร.กม.)", "covered_share": "สัดส่วนพื้นที่ครอบคลุม", "people": "ประชากร",
        "people_share": "สัดส่วนประชากรที่ครอบคลุม", "downloads": "ดาวน์โหลด", "units_csv": "รายพื้นที่ (CSV)",
        "units_json": "รายพื้นที่ (JSON)", "gaps": "พื้นที่ที่ยังไม่ครอบคลุม (GeoJSON)",
        "proposals": "จุดที่เสนอให้สร้าง (GeoJSON)", "distance": "แผนที่ระยะทาง (GeoTIFF)",
        "repairs": "ลำดับความสำคัญการซ่อม (JSON)", "legend": "สัดส่วนพื้นที่ในระยะบริการ",
        "legend_people": "สัดส่วนประชากรในระยะบริการ", "gap_layer": "พื้นที่ที่ยังไม่ครอบคลุม",
        "proposal_layer": "จุดที่เสนอ", "gain": "ประโยชน์ที่เพิ่มขึ้น", "language": "English",
        "per_100km2": "จุดต่อ 100 ตร.กม.",
    },
}


def text_for(language: str) -> dict[str, str]:
    """The page's words in a language (English when unknown)."""
    return TEXT.get(language, TEXT["en"])
