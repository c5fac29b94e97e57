"""Helpers shared by the field-work tests: officers, reviewers, payloads and photos with GPS EXIF (no tests here)."""
import io
import socket
import threading
import uuid
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from django.utils import timezone
from PIL import Image
from rest_framework.authtoken.models import Token

from gis_service.accounts.models import LaoMembership, ReviewerProvince
from gis_service.fieldwork.models import Submission
from gis_service.geography.models import LAO, Province, Subdistrict

# Inside Mueang Nakhon Ratchasima (TH300101), a real inland place; tests move north-east from it in
# steps of about 55 m (more than the 25 m duplicate radius); step 55 is still inside the city municipality.
KORAT = (102.0977, 14.9799)
STEP_DEG = (0.0004, 0.0003)


def spot(step: int) -> tuple[float, float]:
    """A point `step` steps north-east of KORAT, so tests do not flag each other as duplicates."""
    return KORAT[0] + step * STEP_DEG[0], KORAT[1] + step * STEP_DEG[1]


def local_lao(lon: float, lat: float) -> LAO:
    """The municipality or SAO serving the subdistrict at (lon, lat)."""
    subdistrict = Subdistrict.objects.get(geom__intersects=Point(lon, lat, srid=4326))
    return LAO.objects.exclude(kind__in=["pao", "bangkok"]).get(subdistricts=subdistrict)


def make_officer(username: str, at: tuple[float, float] = KORAT) -> tuple[User, str]:
    """A field officer of the LAO serving `at`, and their API token."""
    user = User.objects.create_user(username, password="field-Very-long-42")
    user.groups.add(Group.objects.get(name="field_officer"))
    LaoMembership.objects.create(user=user, lao=local_lao(*at))
    return user, Token.objects.create(user=user).key


def make_reviewer(username: str, province_code: str = "TH30") -> tuple[User, str]:
    """A reviewer of one province, and their API token."""
    user = User.objects.create_user(username, password="review-Very-long-42")
    user.groups.add(Group.objects.get(name="reviewer"))
    ReviewerProvince.objects.create(user=user, province=Province.objects.get(code=province_code))
    return user, Token.objects.create(user=user).key


def well_payload(step: int = 0, **overrides) -> dict:
    """A valid new groundwater bank submission as a phone sends it."""
    lon, lat = spot(step)
    payload = {
        "uuid": str(uuid.uuid4()), "programme": "groundwater_bank", "kind": "new_site",
        "longitude": lon, "latitude": lat, "accuracy_m": 6.5, "altitude_m": 180.0,
        "captured_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        "attributes": {"name_th": "ธนาคารน้ำใต้ดินภาคสนาม", "programme_year": 2024, "status": "operational",
                       "system_type": "closed", "purpose": "drought", "depth_m": 3.0},
    }
    payload.update(overrides)
    return payload


def _rational_dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    return (float(degrees), float(minutes), round((minutes_float - minutes) * 60, 4))


def jpeg_bytes(gps: tuple[float, float] | None = None, size: tuple[int, int] = (640, 480)) -> bytes:
    """A real JPEG made with Pillow, carrying a GPS EXIF block at (lon, lat) when given."""
    image = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    if gps is not None:
        lon, lat = gps
        exif[0x8825] = {1: "N" if lat >= 0 else "S", 2: _rational_dms(abs(lat)),
                        3: "E" if lon >= 0 else "W", 4: _rational_dms(abs(lon))}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def remove_user_data(usernames: list[str]) -> None:
    """Delete what committed tests created for their users (submissions, tokens, memberships, users)."""
    users = User.objects.filter(username__in=usernames)
    Submission.objects.filter(officer__in=users).delete()
    users.delete()


class TcpProxy:
    """A TCP forwarder to PostgreSQL that the test can cut and restore: a real connection loss for one app
    server, without restarting the database server that other people share."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target_port = target_port
        self.port = _free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Accept connections again (on the same port)."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut every open one, as a database restart does."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone leaves the port listening on Linux.
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                for sock in (source, sink):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    sock.close()
                    self._sockets.discard(sock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
