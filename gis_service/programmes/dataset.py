"""A national-scale, deterministic programme dataset inside the real subdistricts.

PostGIS places points (ST_GeneratePoints with a seed) and checks roads; Python only draws the
attributes from a seeded random generator, so the same seed always gives the same dataset.
Everything made here has source=generated, and only such records are ever replaced.
"""
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.contrib.gis.geos import LineString, MultiLineString, Point, Polygon
from django.core import validators
from django.db import connection, models, transaction
from django.utils.text import capfirst

from gis_service.geography.models import LAO, Subdistrict
from gis_service.i18n import english, thai
from gis_service.programmes.models import (
    PLAYGROUND_STATIONS,
    Condition,
    EwasteCollection,
    EwastePoint,
    GroundwaterBank,
    LocalRoad,
    Playground,
    Source,
    Status,
)
from gis_service.programmes.registry import PROGRAMMES, Programme, own_fields

BANGKOK_CODE = "TH10"
FIRST_YEAR, LAST_YEAR = 2017, 2025
ROAD_MIN_M, ROAD_MAX_M = 500.0, 5_000.0
METRES_PER_DEGREE = 111_320.0
BATCH = 2_000

STATUS_WEIGHTS = {
    Status.OPERATIONAL: 72, Status.NEEDS_REPAIR: 10, Status.UNDER_CONSTRUCTION: 6,
    Status.PLANNED: 7, Status.DECOMMISSIONED: 5,
}

POINTS_SQL = """
SELECT t.ord, (ST_Dump(ST_GeneratePoints(s.geom, t.n, t.seed))).geom AS geom, s.id
FROM unnest(%s::text[], %s::int[], %s::int[]) WITH ORDINALITY AS t(code, n, seed, ord)
JOIN geography_subdistrict s ON s.code = t.code
ORDER BY t.ord
"""

# Checks candidate roads in bulk: inside their district, geodesic length, majority subdistrict.
ROAD_CHECK_SQL = """
WITH c AS (
  SELECT t.i, ST_GeomFromText(t.wkt, 4326) AS g, t.district_id
  FROM unnest(%s::int[], %s::text[], %s::bigint[]) AS t(i, wkt, district_id)
)
SELECT c.i, ST_Length(c.g::geography, true),
  (SELECT s.id FROM geography_subdistrict s
    WHERE s.district_id = d.id AND ST_Intersects(s.geom, c.g)
    ORDER BY ST_Length(ST_Intersection(s.geom, c.g)::geography) DESC, s.code LIMIT 1)
FROM c JOIN geography_district d ON d.id = c.district_id
WHERE ST_Within(c.g, d.geom) AND ST_IsSimple(c.g)
"""


class DatasetGenerator:
    """Builds the generated dataset for one seed and scale."""

    def __init__(self, seed: int, scale: float, progress: Callable[[int], None] = lambda n: None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.progress = progress
        self.subdistricts = list(
            Subdistrict.objects.exclude(province__code=BANGKOK_CODE)
            .order_by("code").values_list("code", "province__code", "id", "district_id", "name_th", "name_en")
        )
        self.by_id = {row[2]: row for row in self.subdistricts}
        self.local_laos = self._local_lao_ids()
        self.provincial_lao = dict(LAO.objects.filter(kind=LAO.Kind.PROVINCIAL, active=True, generated=False)
                                   .values_list("province__code", "id"))

    def count(self, programme: Programme) -> int:
        """How many sites of a programme: its published figure times the scale."""
        return round(programme.published_figure * self.scale)

    def reseed(self, programme: Programme) -> None:
        """One random stream per programme and seed, so a programme's sites do not depend on the others'."""
        self.rng = random.Random(f"{self.seed}:{programme.id}")

    def generate(self, programme: Programme) -> int:
        """Make a programme's sites: its own recipe when it has one, else the generic one for points."""
        self.reseed(programme)
        total = self.count(programme)
        recipe = RECIPES.get(programme.id)
        if recipe is not None:
            recipe(self, total)
        elif programme.is_line:
            raise NotImplementedError(f"{programme.id}: lines need a recipe (see roads)")
        else:
            self.generic_points(programme, total)
        return total

    def _local_lao_ids(self) -> dict[int, list[int]]:
        """Subdistrict id -> the ids of the register's active local LAOs (municipalities, SAOs) serving it."""
        rows = (LAO.subdistricts.through.objects.filter(lao__generated=False, lao__active=True)
                .exclude(lao__kind__in=[LAO.Kind.PROVINCIAL, LAO.Kind.BANGKOK])
                .order_by("subdistrict_id", "lao__code"))
        local: dict[int, list[int]] = {}
        for subdistrict_id, lao_id in rows.values_list("subdistrict_id", "lao_id"):
            local.setdefault(subdistrict_id, []).append(lao_id)
        return local

    def lao_for(self, subdistrict_id: int, province_code: str) -> int:
        """The LAO building a site in a subdistrict: its province's อบจ. one time in ten, else a local LAO serving it
        (one of them at random where a municipality and an SAO share the subdistrict)."""
        provincial = self.rng.random() < 0.1 and province_code in self.provincial_lao
        if provincial:
            return self.provincial_lao[province_code]
        local = self.local_laos.get(subdistrict_id)
        if not local:
            raise LookupError(f"No local LAO serves subdistrict {self._place(subdistrict_id)[0]}: load the LAO "
                              "register first (manage.py load_lao_register)")
        return local[0] if len(local) == 1 else self.rng.choice(local)

    # --- placement -------------------------------------------------------------------------
    def allocate(self, total: int) -> Counter:
        """Sites per subdistrict code: at least one in every province outside Bangkok, the rest at random."""
        by_province: dict[str, list[str]] = {}
        for code, province, *_ in self.subdistricts:
            by_province.setdefault(province, []).append(code)
        allocation: Counter = Counter()
        for province in sorted(by_province):
            if sum(allocation.values()) < total:
                allocation[self.rng.choice(by_province[province])] += 1
        codes = [row[0] for row in self.subdistricts]
        for code in self.rng.choices(codes, k=total - sum(allocation.values())):
            allocation[code] += 1
        return allocation

    def random_points(self, total: int) -> list[tuple[Point, int]]:
        """Deterministic random points inside real subdistricts: (point, subdistrict id)."""
        wanted = self.allocate(total)
        points: dict[str, list[tuple[Point, int]]] = {code: [] for code in wanted}
        # ST_GeneratePoints shares points among a multipolygon's parts by area, rounding down, so
        # an island subdistrict can get fewer than asked: top up, asking for a few more than missing.
        for attempt in range(20):
            short = {
                code: wanted[code] - len(points[code]) for code in sorted(wanted) if len(points[code]) < wanted[code]
            }
            if not short:
                break
            codes = list(short)
            seeds = [self.rng.randint(1, 2**31 - 1) for _ in codes]
            with connection.cursor() as cursor:
                cursor.execute(POINTS_SQL, [codes, [short[c] if attempt == 0 else short[c] + 4 for c in codes], seeds])
                for ordinal, geom, subdistrict_id in cursor.fetchall():
                    code = codes[ordinal - 1]
                    if len(points[code]) < wanted[code]:
                        points[code].append((Point(*_coords_from_ewkb(geom), srid=4326), subdistrict_id))
        return [item for code in sorted(points) for item in points[code]]

    # --- shared attributes -----------------------------------------------------------------
    def common(self, index: int, prefix: str, subdistrict_id: int, province_code: str) -> dict:
        """Attributes every programme site shares, drawn from the seeded generator."""
        status = self.rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        year = (
            self.rng.randint(2024, LAST_YEAR) if status == Status.PLANNED else self.rng.randint(FIRST_YEAR, LAST_YEAR)
        )
        lao_id = self.lao_for(subdistrict_id, province_code)
        return {
            "code": f"{prefix}-G{index:06d}",
            "status": status,
            "programme_year": year,
            "budget_thb": Decimal(self.rng.randrange(50_000, 2_000_000, 500)),
            "published": self.rng.random() < 0.95,
            "source": Source.GENERATED,
            "gps_accuracy_m": round(self.rng.uniform(2, 25), 1),
            "lao_id": lao_id,
            "subdistrict_id": subdistrict_id,
        }

    def _place(self, subdistrict_id: int) -> tuple:
        """(code, province code, id, district id, Thai name, English name) of a subdistrict."""
        return self.by_id[subdistrict_id]

    def _date_in(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    # --- programmes ------------------------------------------------------------------------
    def wells(self, total: int) -> None:
        rows = []
        for index, (point, sid) in enumerate(self.random_points(total), start=1):
            _, province, _, _, name_th, name_en = self._place(sid)
            attrs = self.common(index, "GWB", sid, province)
            system = self.rng.choice(["open", "closed", "closed"])
            depth = round(self.rng.uniform(2, 6), 1) if system == "closed" else round(self.rng.uniform(1.5, 4), 1)
            width = round(self.rng.uniform(1, 3), 1) if system == "closed" else round(self.rng.uniform(5, 30), 1)
            built = self._date_in(attrs["programme_year"]) if attrs["status"] != Status.PLANNED else None
            rows.append(
                GroundwaterBank(
                    **attrs,
                    geom=point,
                    system_type=system,
                    name_th=f"ธนาคารน้ำใต้ดิน{'ระบบปิด' if system == 'closed' else 'ระบบเปิด'} ต.{name_th} หมู่ที่ {self.rng.randint(1, 15)}",  # noqa: E501
                    name_en=f"Groundwater bank ({system}), {name_en}",
                    purpose=self.rng.choices(["drought", "flood", "salinity"], weights=[60, 30, 10])[0],
                    depth_m=depth,
                    width_m=width,
                    volume_m3=round(depth * width * width * (0.8 if system == "closed" else 0.5), 1),
                    construction_date=built,
                    last_inspection_date=(built + dt.timedelta(days=self.rng.randrange(30, 700))) if built else None,
                    condition=self.rng.choice(["good", "good", "fair", "poor"]) if built else "",
                )
            )
        self._insert(GroundwaterBank, rows)

    def playgrounds(self, total: int) -> None:
        rows = []
        for index, (point, sid) in enumerate(self.random_points(total), start=1):
            _, province, _, _, name_th, name_en = self._place(sid)
            attrs = self.common(index, "PLAY", sid, province)
            stations = {}
            for key in PLAYGROUND_STATIONS:
                present = self.rng.random() < 0.9
                stations[f"has_{key}"] = present
                stations[f"{key}_condition"] = self.rng.choice(list(Condition.values)) if present else ""
            rows.append(
                Playground(
                    **attrs,
                    **stations,
                    geom=point,
                    footprint=_square_around(point, self.rng.uniform(15, 40)) if self.rng.random() < 0.3 else None,
                    name_th=f"สนามเด็กเล่นสร้างปัญญา ต.{name_th}",
                    name_en=f"Brain-building playground, {name_en}",
                    child_development_centre=f"ศูนย์พัฒนาเด็กเล็ก ต.{name_th}",
                )
            )
        self._insert(Playground, rows)

    def ewaste(self, total: int) -> None:
        rows = []
        for index, (point, sid) in enumerate(self.random_points(total), start=1):
            _, province, _, _, name_th, name_en = self._place(sid)
            attrs = self.common(index, "EW", sid, province)
            start = self._date_in(attrs["programme_year"])
            rows.append(
                EwastePoint(
                    **attrs,
                    geom=point,
                    host_type=self.rng.choice(list(EwastePoint.HostType.values)),
                    name_th=f"จุดรับทิ้งขยะอิเล็กทรอนิกส์ ต.{name_th}",
                    name_en=f"E-waste collection point, {name_en}",
                    active_from=start,
                    active_to=start + dt.timedelta(days=365 * self.rng.randint(1, 4))
                    if self.rng.random() < 0.3
                    else None,
                )
            )
        self._insert(EwastePoint, rows)
        collections = []
        for point_row in EwastePoint.objects.filter(source=Source.GENERATED).order_by("code").only("id", "active_from"):
            for _ in range(self.rng.randint(0, 8)):
                phones, batteries = self.rng.randint(0, 120), self.rng.randint(0, 200)
                weight = Decimal(round(phones * 0.18 + batteries * 0.05 + self.rng.uniform(0, 5), 2)).quantize(
                    Decimal("0.01")
                )
                collections.append(
                    EwasteCollection(
                        point_id=point_row.id,
                        collected_on=point_row.active_from + dt.timedelta(days=self.rng.randrange(1, 700)),
                        phones=phones,
                        batteries_chargers=batteries,
                        weight_kg=weight,
                        handed_to_recycler=self.rng.choice(["", "Licensed recycler (โรงงานรีไซเคิลที่ได้รับอนุญาต)"]),
                        proceeds_thb=(weight * Decimal(self.rng.randint(8, 25))).quantize(Decimal("0.01")),
                    )
                )
        EwasteCollection.objects.bulk_create(collections, batch_size=BATCH)

    def roads(self, total: int) -> None:
        starts = self.random_points(total)
        pending = list(range(total))
        lines: dict[int, tuple[str, float, int]] = {}
        attempt = 0
        while pending:
            attempt += 1
            candidates = {}
            for i in pending:
                point, sid = starts[i]
                # Shorter after each failure so roads in narrow or coastal districts still fit.
                length = self.rng.uniform(ROAD_MIN_M, ROAD_MAX_M) / (1.5 ** min(attempt - 1, 4))
                candidates[i] = _wiggly_line(point, max(length, ROAD_MIN_M * 1.02), self.rng)
            accepted = self._check_roads(candidates, {i: self._place(starts[i][1])[3] for i in pending})
            lines.update({i: (candidates[i], length_m, sid) for i, (length_m, sid) in accepted.items()})
            pending = [i for i in pending if i not in lines]
            if attempt > 12 and pending:
                # A start point with no room for a road: move it to another subdistrict.
                extra = self.random_points(len(pending))
                for i, replacement in zip(pending, extra, strict=True):
                    starts[i] = replacement
                attempt = 0
        rows = []
        for index in range(total):
            wkt, length_m, sid = lines[index]
            province = self._place(sid)[1]
            attrs = self.common(index + 1, "ROAD", sid, province)
            name_th, name_en = self._place(sid)[4:6]
            rows.append(
                LocalRoad(
                    **attrs,
                    geom=MultiLineString(LineString(_parse_wkt_line(wkt), srid=4326), srid=4326),
                    length_m=length_m,
                    surface=self.rng.choice(list(LocalRoad.Surface.values)),
                    width_m=self.rng.choice([4, 5, 6, 8]),
                    trees_planted=self.rng.randrange(0, 600, 10),
                    name_th=f"ถนนท้องถิ่นใส่ใจสิ่งแวดล้อม ต.{name_th}",
                    name_en=f"Environment-friendly local road, {name_en}",
                )
            )
        self._insert(LocalRoad, rows)

    def generic_points(self, programme: Programme, total: int) -> None:
        """Point sites of any programme: shared attributes, then each of its own fields drawn from its declaration."""
        model = programme.model
        title = programme.label
        rows = []
        for index, (point, sid) in enumerate(self.random_points(total), start=1):
            _, province, _, _, name_th, name_en = self._place(sid)
            attrs = self.common(index, model.CODE_PREFIX, sid, province)
            for model_field in own_fields(model):
                attrs[model_field.name] = self.field_value(model_field, attrs["programme_year"])
            rows.append(
                model(
                    **attrs,
                    geom=point,
                    name_th=f"{thai(title)} ต.{name_th}",
                    name_en=f"{capfirst(english(title))}, {name_en}",
                )
            )
        self._insert(model, rows)

    def field_value(self, model_field: models.Field, year: int):
        """A plausible value for one field from its type, choices and validators (small numbers more likely)."""
        if model_field.choices:
            return self.rng.choice([value for value, _label in model_field.choices if value != ""])
        if isinstance(model_field, models.BooleanField):
            return self.rng.random() < 0.5
        if isinstance(model_field, models.DateField):
            return self._date_in(year)
        if isinstance(model_field, (models.IntegerField, models.FloatField, models.DecimalField)):
            low, high = _bounds(model_field)
            # Wide ranges (books held) lean to their lower tenth; narrow ones (days a week) are drawn evenly.
            mode = low + (high - low) * 0.1 if high - low > 31 else (low + high) / 2
            value = self.rng.triangular(low, high, mode)
            return round(value) if isinstance(model_field, models.IntegerField) else round(value, 1)
        return model_field.get_default()

    def _check_roads(self, candidates: dict[int, str], districts: dict[int, int]) -> dict[int, tuple[float, int]]:
        ids = sorted(candidates)
        with connection.cursor() as cursor:
            cursor.execute(ROAD_CHECK_SQL, [ids, [candidates[i] for i in ids], [districts[i] for i in ids]])
            return {
                i: (length_m, sid)
                for i, length_m, sid in cursor.fetchall()
                if ROAD_MIN_M <= length_m <= ROAD_MAX_M and sid is not None
            }

    def _insert(self, model, rows: list) -> None:
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start : start + BATCH])
            self.progress(len(rows[start : start + BATCH]))


def _coords_from_ewkb(value) -> tuple[float, float]:
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(value).coords


def _square_around(point: Point, side_m: float) -> Polygon:
    """A small square footprint centred on a point."""
    half_lat = side_m / 2 / METRES_PER_DEGREE
    half_lon = half_lat / math.cos(math.radians(point.y))
    x, y = point.x, point.y
    ring = (
        (x - half_lon, y - half_lat),
        (x + half_lon, y - half_lat),
        (x + half_lon, y + half_lat),
        (x - half_lon, y + half_lat),
        (x - half_lon, y - half_lat),
    )
    return Polygon(ring, srid=4326)


def _wiggly_line(start: Point, length_m: float, rng: random.Random) -> str:
    """A plausible road from a start point: a few segments bending gently, as WKT."""
    segments = rng.randint(3, 8)
    bearing = rng.uniform(0, 2 * math.pi)
    x, y = start.x, start.y
    coords = [(x, y)]
    for _ in range(segments):
        bearing += rng.uniform(-0.35, 0.35)
        step = length_m / segments
        y_next = y + step * math.cos(bearing) / METRES_PER_DEGREE
        x += step * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(y)))
        y = y_next
        coords.append((x, y))
    return "LINESTRING(" + ",".join(f"{cx:.6f} {cy:.6f}" for cx, cy in coords) + ")"


def _parse_wkt_line(wkt: str) -> list[tuple[float, float]]:
    inner = wkt[wkt.index("(") + 1 : -1]
    return [tuple(map(float, pair.split())) for pair in inner.split(",")]


def _bounds(model_field: models.Field) -> tuple[float, float]:
    """The range a number field's validators allow (0 to 100 where they say nothing)."""
    low, high = 0.0, 100.0
    for validator in model_field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = float(validator.limit_value)
        elif isinstance(validator, validators.MaxValueValidator):
            high = float(validator.limit_value)
    return low, high


# Programmes whose sites need more than the generic recipe: lines, footprints, collection logs.
RECIPES: dict[str, Callable[[DatasetGenerator, int], None]] = {
    "groundwater_banks": DatasetGenerator.wells,
    "local_roads": DatasetGenerator.roads,
    "playgrounds": DatasetGenerator.playgrounds,
    "ewaste_points": DatasetGenerator.ewaste,
}


def missing_programmes() -> list[Programme]:
    """Programmes that hold no generated records yet (all of them on a new database)."""
    return [p for p in PROGRAMMES if not p.model.objects.filter(source=Source.GENERATED).exists()]


def generated_present() -> bool:
    """True when every programme holds generated records."""
    return not missing_programmes()


def planned_total(scale: float, programmes: list[Programme] | None = None) -> int:
    """How many sites generating these programmes (all by default) at this scale makes."""
    return sum(round(p.published_figure * scale) for p in (PROGRAMMES if programmes is None else programmes))


@transaction.atomic
def generate_dataset(
    seed: int, scale: float, progress: Callable[[int], None] = lambda n: None, programmes: list[Programme] | None = None
) -> dict[str, int]:
    """Replace the generated records (and only them) of these programmes (all by default) for this seed and scale."""
    chosen = list(PROGRAMMES) if programmes is None else programmes
    generator = DatasetGenerator(seed, scale, progress)
    counts = {}
    for programme in chosen:
        programme.model.objects.filter(source=Source.GENERATED).delete()
        counts[programme.id] = generator.generate(programme)
    return counts
