"""Name normalisation for matching services: what two registrations of one product have in common.

People register the same product as "InfoMentor", "Infomentor AB", "Infomentor app v2" and
"TESTMILJÖ för Infomentor". :func:`normalise_name` removes what does not tell products apart —
case, diacritics, punctuation, legal suffixes (AB, Inc, Ltd, Oy, AS, GmbH …), version numbers
("v2", "2.0", "2024") and filler words ("app", "för skolan", "testmiljö", "staging" …) — so that
what is left is the product. It is for *matching*, never for display or search (search keeps
å, ä, ö distinct: :func:`portfolio.text.fold`).

The same function is used by the SAML importer to match federation entities to the register.
"""

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import numpy as np
import tldextract
from rapidfuzz import fuzz, process

from portfolio.text import strip_diacritics

__all__ = [
    "FILLER_PHRASES",
    "LEGAL_SUFFIXES",
    "compact",
    "host_of",
    "is_test_environment",
    "NameKey",
    "NameKeyTable",
    "name_similarity",
    "normalise_host",
    "normalise_name",
    "normalise_vendor",
    "registrable_domain",
]

#: Company-form suffixes, compared after folding and punctuation removal, stripped only at the end.
LEGAL_SUFFIXES = frozenset(
    {
        "ab",
        "publ",
        "hb",
        "kb",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "pty",
        "corp",
        "corporation",
        "co",
        "company",
        "oy",
        "oyj",
        "as",
        "asa",
        "aps",
        "gmbh",
        "ag",
        "sa",
        "sarl",
        "srl",
        "bv",
        "nv",
        "spa",
        "a s",
        "a/s",
        "ek for",
        "ekonomisk forening",
    }
)

#: Words and phrases that say how or where a product is used, not which product it is.
#: Longer phrases first, so that "test environment for" goes before "test".
FILLER_PHRASES: tuple[str, ...] = (
    "test environment for",
    "testmiljo for",
    "testmiljo",
    "test environment",
    "testversion",
    "for skolan",
    "for skolor",
    "for skola",
    "i skolan",
    "for larare",
    "for elever",
    "for forskolan",
    "the app",
    "appen",
    "app",
    "mobilapp",
    "webbapp",
    "webapp",
    "webb",
    "web",
    "online",
    "staging",
    "sandbox",
    "demo",
    "test",
    "acceptanstest",
    "preprod",
)

#: Markers in a raw name that make a registration a test environment of its product.
_TEST_NAME = re.compile(
    r"(\btestmilj[oö]|\btest environment\b|(^|[\s\-_(\[])(test|staging|sandbox|demo|acceptanstest|preprod|qa)"
    r"($|[\s\-_)\]]))",
    re.IGNORECASE,
)
#: Host labels that mark a test environment: "test.", "test-…", "…-test", "staging", "sandbox".
_TEST_LABEL = re.compile(
    r"^(test|staging|stage|sandbox|demo|dev|qa|acc|preprod|ws-test)$|^test-|-test$|^sandbox-"
)

_VERSION = re.compile(r"^(v|ver|version)?\d+(\.\d+)+[a-z]?$|^v\d+[a-z]?$|^(19|20)\d\d$")
#: Versions written with dots or a "v"/"version" prefix, removed before punctuation splits them.
_VERSION_IN_TEXT = re.compile(
    r"(?<![\w.])(?:(?:v|ver\.?|version)\s?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)+)(?![\w.])"
)
_DOMAIN_SUFFIX = re.compile(r"\.(com|se|org|net|io|nu|eu|co|app|edu)(?![\w.])")
_CONJUNCTIONS = frozenset({"and", "och", "og", "und"})
_BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
_A_S = re.compile(r"\ba/s\b")
_EK_FOR = re.compile(r"\b(ek\. ?för\.?|ek för)\b")

#: One alternation, longest phrases first, so a name is scanned once.
_FILLER = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, FILLER_PHRASES)) + r")(?=\s|$)")
_LEGAL_SINGLE = frozenset(s for s in LEGAL_SUFFIXES if " " not in s and "/" not in s)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = strip_diacritics(text)
    # Company forms written with a slash or dots before punctuation turns them into two tokens.
    # (Each pattern only where its fixed part occurs: most names have no "a/s", "för" or digit.)
    if "a/s" in text:
        text = _A_S.sub(" as ", text)
    if "för" in text:
        text = _EK_FOR.sub(" ", text)
    if _DIGIT.search(text):
        text = _VERSION_IN_TEXT.sub(" ", text)
    # A domain written as the name ("Brilliant.org", "Antagning.se") is the product's name.
    text = _DOMAIN_SUFFIX.sub(" ", text)
    text = text.replace("&", " ")
    text = text.replace("'", "")  # "It's learning" → "its learning"
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """The product a name denotes, as a lower-case ASCII string of words.

    ``"TESTMILJÖ för Lärplattformen i Södertälje"`` and ``"Lärplattformen i Södertälje"`` both
    give ``"larplattformen i sodertalje"``; ``"InfoMentor AB v2.0"`` gives ``"infomentor"``.
    If nothing would be left (a service called just "Test"), the folded name is returned so that
    two different names never both become empty.
    """
    folded = _fold(name)
    # A word of letters only is never a version: the pattern is tried on the others.
    tokens = [
        t
        for t in folded.split(" ")
        if t and (t.isalpha() or not _VERSION.match(t)) and t not in _CONJUNCTIONS
    ]
    text = " ".join(tokens)
    text = _FILLER.sub(" ", text)
    tokens = text.split()
    # Legal suffixes only at the end ("AS" inside a name can be a word), possibly several ("AB (publ)").
    while len(tokens) > 1 and tokens[-1] in _LEGAL_SINGLE:
        tokens.pop()
    if tokens and tokens[0] in ("the",):
        tokens = tokens[1:]
    result = " ".join(tokens)
    return result or folded


def compact(normalised: str) -> str:
    """``normalised`` without spaces: "info mentor" and "infomentor" are one product."""
    return normalised.replace(" ", "")


class NameKey:
    """A normalised name with what :func:`name_similarity` needs, computed once per service."""

    __slots__ = ("compact", "digits", "text", "token_set", "tokens")

    def __init__(self, normalised: str):
        self.text = normalised
        self.compact = compact(normalised)
        self.digits = tuple(_DIGITS.findall(normalised))
        self.tokens = normalised.split()
        self.token_set = frozenset(self.tokens)


def name_similarity(a: str | NameKey, b: str | NameKey, cutoff: float = 0.0) -> float:
    """How alike two *normalised* names are, 0–100.

    The best of plain, word-order-insensitive and space-insensitive edit similarity, with three
    refusals learnt from the labelled set (tests/analysis/data/labelled_pairs.csv):

    * names whose numbers differ ("Matematik 5000 kurs 1a" / "… 1b") are different products —
      version numbers were already removed, so the numbers left name the product;
    * short names must be equal: "Canva" and "Canvas", "Tello" and "Trello" are different;
    * after removing the words both share, what is left must itself be alike (it weighs half) and
      not short ("Google Pay" / "Google Play", "Virgin Plus" / "Virgin Pulse"), and one name may
      not be the other plus a word ("York University" / "New York University").

    With ``cutoff``, a pair that cannot reach it (judged by lengths alone) scores 0 at once.
    """
    ka = a if isinstance(a, NameKey) else NameKey(a)
    kb = b if isinstance(b, NameKey) else NameKey(b)
    if ka.text == kb.text or ka.compact == kb.compact:
        return 100.0 if ka.digits == kb.digits else 0.0
    if ka.digits != kb.digits:
        return 0.0
    ca, cb = ka.compact, kb.compact
    lca, lcb = len(ca), len(cb)
    if lca < 8 or lcb < 8:
        return 0.0
    if cutoff:
        la, lb = len(ka.text), len(kb.text)
        if max(200 * min(la, lb) / (la + lb), 200 * min(lca, lcb) / (lca + lcb)) < cutoff:
            return 0.0
    rest_score = None
    common = ka.token_set & kb.token_set
    if common:
        rest_a = "".join([t for t in ka.tokens if t not in common])
        rest_b = "".join([t for t in kb.tokens if t not in common])
        # A word on one side only is a different product, unless it is a short particle ("i", "of").
        if bool(rest_a) != bool(rest_b) and max(len(rest_a), len(rest_b)) > 2:
            return 0.0
        if rest_a and rest_b:
            if rest_a.rstrip("s") == rest_b.rstrip("s"):  # genitive: "Lerum" / "Lerums"
                return 95.0 if not cutoff else max(95.0, _whole_score(ka, kb, 0))
            if min(len(rest_a), len(rest_b)) < 6:
                return 0.0
            # The distinguishing words weigh as much as the whole name: (whole + rest) / 2.
            rest_score = fuzz.ratio(rest_a, rest_b, score_cutoff=max(0.0, 2 * cutoff - 100))
            if cutoff and rest_score == 0:
                return 0.0
    whole = _whole_score(ka, kb, cutoff if rest_score is None else max(0.0, 2 * cutoff - rest_score))
    return whole if rest_score is None else (whole + rest_score) / 2


def _whole_score(ka: NameKey, kb: NameKey, cutoff: float) -> float:
    return max(
        fuzz.ratio(ka.text, kb.text, score_cutoff=cutoff),
        fuzz.ratio(ka.compact, kb.compact, score_cutoff=cutoff),
        fuzz.token_sort_ratio(ka.text, kb.text, score_cutoff=cutoff),
    )


#: Scores within this of a bound are kept (floating point must never rule out a pair that reaches it).
_MARGIN = 1e-3


class NameKeyTable:
    """Many :class:`NameKey` as arrays, to rule out at once the pairs that cannot reach a cutoff.

    :func:`name_similarity` costs a few microseconds of Python per pair, and a register of 20,000
    services gives some 300,000 candidate pairs of which about one in a hundred comes near the
    threshold. :meth:`may_reach` answers for all of them in numpy with conditions that
    :func:`name_similarity`'s own refusals imply — numbers differ, a name too short, lengths too
    unequal, a word on one side only, distinguishing words too short or too unequal in length,
    whole names too unlike — so a pair it rules out certainly scores below the cutoff, and the
    pairs it keeps are scored by :func:`name_similarity` itself. The result is the same as
    scoring every pair; only the work is less.
    """

    #: Names with more words than this are always kept (their words do not fit the arrays).
    MAX_TOKENS = 8

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self.keys: list[NameKey] = []

    def add(self, key: NameKey) -> int:
        """The row of ``key`` in the table (one row per distinct normalised name)."""
        row = self._index.get(key.text)
        if row is None:
            row = self._index[key.text] = len(self.keys)
            self.keys.append(key)
        return row

    def freeze(self) -> None:
        """Build the arrays; call once after the last :meth:`add`."""
        keys = self.keys
        width = max((min(len(k.tokens), self.MAX_TOKENS) for k in keys), default=1) or 1
        compact_ids: dict[str, int] = {}
        digits_ids: dict[tuple, int] = {}
        letters_ids: dict[tuple, int] = {}
        word_ids: dict[str, int] = {}
        self.compact_id = np.array([compact_ids.setdefault(k.compact, len(compact_ids)) for k in keys])
        self.digits_id = np.array([digits_ids.setdefault(k.digits, len(digits_ids)) for k in keys])
        self.text_len = np.array([len(k.text) for k in keys], dtype=np.float64)
        self.compact_len = np.array([len(k.compact) for k in keys], dtype=np.float64)
        #: Every word kept in the arrays, and each word once: else a pair is always kept.
        self.exact_words = np.array(
            [len(k.tokens) <= self.MAX_TOKENS and len(k.tokens) == len(k.token_set) for k in keys], dtype=bool
        )
        # The letters other than "s" as a multiset (length, sum of code points, which letters):
        # two names whose distinguishing words differ only by trailing s ("Lerum" / "Lerums",
        # which name_similarity scores 95) have the same. Other names may share it too; that
        # only keeps a pair that could have been ruled out.
        letters = [(t, len(t), sum(map(ord, t))) for t in ("".join(k.tokens).replace("s", "") for k in keys)]
        self.letters_id = np.array(
            [letters_ids.setdefault((n, total, frozenset(t)), len(letters_ids)) for t, n, total in letters]
        )
        padding = [-1] * width
        rows = [[word_ids.setdefault(t, len(word_ids)) for t in k.tokens[:width]] for k in keys]
        self.words = np.array([row + padding[len(row) :] for row in rows], dtype=np.int64).reshape(-1, width)
        self.word_text = list(word_ids)
        word_len = np.array([len(t) for t in self.word_text] + [0], dtype=np.int64)
        self.word_len = word_len[self.words]  # padding (-1) takes the last length, 0
        self.texts = [k.text for k in keys]
        self.compacts = [k.compact for k in keys]

    def may_reach(self, left: np.ndarray, right: np.ndarray, cutoff: float) -> np.ndarray:
        """For rows ``left[i]``, ``right[i]``: False where :func:`name_similarity` is surely below ``cutoff``.

        Follows :func:`name_similarity` step by step (with ``cutoff`` > 0); a small margin keeps
        floating-point ties on the safe side.
        """
        if cutoff <= 0:
            return np.ones(len(left), dtype=bool)  # every score reaches 0
        keep = np.zeros(len(left), dtype=bool)
        if not len(left):
            return keep
        equal = self.compact_id[left] == self.compact_id[right]
        la, lb = self.text_len[left], self.text_len[right]
        ca, cb = self.compact_len[left], self.compact_len[right]
        length_bound = np.maximum(200 * np.minimum(la, lb) / (la + lb), 200 * np.minimum(ca, cb) / (ca + cb))
        candidate = (
            ~equal
            & (self.digits_id[left] == self.digits_id[right])
            & (ca >= 8)
            & (cb >= 8)
            & (length_bound >= cutoff - _MARGIN)
        )
        rows = np.flatnonzero(candidate)
        a, b = left[rows], right[rows]
        # Words in common, and the length of what is left on each side.
        wa, wb = self.words[a], self.words[b]
        a_in_b = np.zeros(wa.shape, dtype=bool)
        b_in_a = np.zeros(wb.shape, dtype=bool)
        for column in range(wa.shape[1]):
            a_in_b |= (wa == wb[:, column, None]) & (wb[:, column, None] >= 0)
            b_in_a |= (wb == wa[:, column, None]) & (wa[:, column, None] >= 0)
        common = a_in_b.any(axis=1)
        left_a, left_b = ~a_in_b & (wa >= 0), ~b_in_a & (wb >= 0)
        rest_a = (self.word_len[a] * left_a).sum(axis=1)
        rest_b = (self.word_len[b] * left_b).sum(axis=1)
        exact = self.exact_words[a] & self.exact_words[b]
        genitive = ~exact | (self.letters_id[a] == self.letters_id[b])
        one_sided = ((rest_a > 0) != (rest_b > 0)) & (np.maximum(rest_a, rest_b) > 2)
        both = (rest_a > 0) & (rest_b > 0)
        shortest, total = np.minimum(rest_a, rest_b), np.maximum(rest_a + rest_b, 1)
        rest_floor = 2 * cutoff - 100
        too_unlike = (shortest < 6) | ((rest_floor > 0) & (200 * shortest / total < rest_floor - _MARGIN))
        # The distinguishing words' similarity, exactly: each distinct sequence of words joined
        # once and each distinct pair of them scored once (a register repeats its words).
        rest_score = np.full(len(rows), 100.0)
        scored = np.flatnonzero(exact & common & both & ~too_unlike & ~genitive)
        base = len(self.word_text) + 1
        if len(scored) and base ** wa.shape[1] < 2**62:
            # A sequence of words as one number (word id + 1 in base "words + 1", 0 for none).
            stacked = np.concatenate(
                (np.where(left_a[scored], wa[scored], -1), np.where(left_b[scored], wb[scored], -1))
            )
            powers = base ** np.arange(wa.shape[1], dtype=np.int64)
            codes, first, sequence = np.unique(
                ((stacked + 1) * powers).sum(axis=1), return_index=True, return_inverse=True
            )
            words = self.word_text
            texts = ["".join(words[w] for w in row if w >= 0) for row in stacked[first].tolist()]
            half = len(scored)
            pair_codes = sequence[:half] * len(codes) + sequence[half:]
            pairs, pair_of_row = np.unique(pair_codes, return_inverse=True)
            scores = _scores(
                [texts[i] for i in (pairs // len(codes)).tolist()],
                [texts[i] for i in (pairs % len(codes)).tolist()],
                fuzz.ratio,
            )
            rest_score[scored] = scores[pair_of_row]
            too_unlike[scored] |= rest_score[scored] < rest_floor - _MARGIN
        refused = exact & common & (one_sided | (both & ~genitive & too_unlike))
        # What the whole names must reach: the cutoff itself where no distinguishing words are
        # weighed, else 2 × cutoff − their similarity (100 where it is not known).
        weighed = ~exact | (common & both)
        needed = np.where(weighed, 2 * cutoff - rest_score, cutoff)
        # (With a cutoff of 50 or less, half the distinguishing words' similarity may reach it alone.)
        reached = genitive | (weighed & (rest_score / 2 >= cutoff - _MARGIN))
        rows, reached, needed = rows[~refused], reached[~refused], needed[~refused]
        if len(rows):
            # The three in turn, each only for the pairs the ones before left below what is needed.
            for strings, scorer in (
                (self.texts, fuzz.ratio),
                (self.compacts, fuzz.ratio),
                (self.texts, fuzz.token_sort_ratio),
            ):
                open_rows = np.flatnonzero(~reached)
                if not len(open_rows):
                    break
                a, b = left[rows[open_rows]].tolist(), right[rows[open_rows]].tolist()
                whole = _scores([strings[i] for i in a], [strings[i] for i in b], scorer)
                reached[open_rows] = whole >= needed[open_rows] - _MARGIN
            rows = rows[reached]
        keep[rows] = True
        return keep | equal


def _scores(first: list[str], second: list[str], scorer) -> np.ndarray:
    """``scorer`` of each pair ``first[i]``, ``second[i]`` (rapidfuzz, in C), as float64."""
    return process.cpdist(first, second, scorer=scorer, dtype=np.float64)


@lru_cache(maxsize=65536)
def host_of(url: str) -> str:
    """The host of a URL or URL-shaped entity ID, lower-case, or "" if there is none.

    Cached: the finder asks for each address twice (is it a test host, which site is it).
    """
    if not url:
        return ""
    url = url.strip()
    if "://" not in url:
        # A bare host such as "sandbox-sso.skola24.se" (entity IDs are often written so).
        if _BARE_HOST.match(url):
            return url.lower().rstrip(".")
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def normalise_host(host: str) -> str:
    """A host with "www." and test labels removed: test.skola24.se and skola24.se are one product."""
    labels = [label for label in host.split(".") if label]
    if labels and labels[0] == "www":
        labels = labels[1:]
    kept: list[str] = []
    for index, label in enumerate(labels):
        if index < len(labels) - 2 and _TEST_LABEL.search(label):
            stripped = re.sub(r"^(test|sandbox)-|-test$", "", label)
            if stripped and stripped != label and not _TEST_LABEL.search(stripped):
                kept.append(stripped)
            continue
        kept.append(label)
    return ".".join(kept)


def is_test_environment(name: str, urls: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether a registration is a test environment: "TESTMILJÖ för …", "X-test", "staging", test host."""
    if _TEST_NAME.search(unicodedata.normalize("NFC", name or "")):
        return True
    for url in urls:
        host = host_of(url)
        labels = host.split(".")
        if any(_TEST_LABEL.search(label) for label in labels[:-2]):
            return True
    return False


@lru_cache(maxsize=8192)
def normalise_vendor(name: str) -> str:
    """A vendor's name as compared: "GeoGebra GmbH", "Geogebra" → "geogebra"; "" for none."""
    if not name or not name.strip():
        return ""
    return compact(normalise_name(name))


#: The Public Suffix List snapshot bundled with tldextract; never fetched at run time.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=16384)
def registrable_domain(host: str) -> str:
    """The registrable domain (eTLD+1) of a host: "mittkoping.itslearning.com" → "itslearning.com".

    Uses the Public Suffix List, so "skola.kommun.se" gives "kommun.se" but "x.github.io" gives
    "x.github.io" (a private suffix: each tenant owns its name). "" for an IP address or no host.
    """
    host = (host or "").strip().lower().rstrip(".")
    if not host:
        return ""
    parts = _EXTRACT(host)
    if not parts.domain or not parts.suffix:
        return ""
    return f"{parts.domain}.{parts.suffix}"


#
# Qualifiers: what a register appends to a product's name
#

#: Platform words: the same product on another device. Dropped (same product).
PLATFORM_WORDS = frozenset(
    {
        "ipad", "iphone", "ios", "android", "app", "appen", "appar", "mobilapp", "mobilappen", "webb",
        "web", "webbapp", "webbversion", "webversion", "windows", "mac", "macos", "chromebook", "chrome",
        "desktop", "mobil", "online", "pc", "klient", "client", "surfplatta",
    }
)
#: Edition or plan: a qualifier of the same product family (review).
EDITION_WORDS = frozenset(
    {
        "premium", "enterprise", "pro", "plus", "basic", "standard", "business", "education", "edu",
        "edition", "teacher", "teachers", "student", "students", "school", "schools", "skola", "skolor",
        "skolan", "campus", "lite", "free", "gratis", "licens", "licenser", "konto", "konton", "classic",
        "team", "k12", "larare", "larar", "elev", "elever", "personal", "foralder", "foraldrar",
        "vardnadshavare", "vh", "barn", "ungdom", "utbildning", "studenter", "skolverksamhet",
        "medarbetare", "anstallda", "pedagoger", "klassrum", "hemma", "kommuner",
    }
)
#: Audience or school form (review).
SCHOOL_FORM_WORDS = frozenset(
    {
        "forskola", "forskolan", "forskoleklass", "grundskola", "grundskolan", "grundsarskola",
        "sarskola", "gymnasium", "gymnasiet", "gymnasieskola", "gymnasieskolan", "gymnasiesarskola",
        "gy", "vuxenutbildning", "vuxenutbildningen", "komvux", "vux", "sfi", "fritids", "fritidshem",
        "lagstadiet", "mellanstadiet", "hogstadiet", "anpassad", "anpassade",
    }
)
#: Module or purpose (review). Also the ends of Swedish compounds ("elevhälsojournal").
MODULE_WORDS = frozenset(
    {
        "journal", "bokning", "narvaro", "franvaro", "fakturering", "schema", "betyg", "omdome",
        "omdomen", "kommunikation", "administration", "admin", "portal", "arkiv", "vistelsetid",
        "placering", "ansokan", "ko", "matsedel", "notifiering", "sms", "dokumentation", "planering",
        "bedomning", "prov", "rapport", "rapporter", "statistik", "lms", "elevhalsa", "kalender",
        "meddelanden", "registrering", "inloggning", "login", "sso", "integration", "export",
    }
)
#: Stems that end Swedish compounds naming a module: "elevhälsojournal", "frånvaronotifiering".
_MODULE_STEMS = ("journal", "bokning", "narvaro", "franvaro", "notifiering", "dokumentation", "fakturering")
#: Joining words between a product and its qualifier ("for Education", "för förskolan").
_QUALIFIER_LINKS = frozenset({"for", "i", "pa", "till", "med", "inom", "the"})
#: Words before a product's name that only say what kind of thing it is ("e-tjänsten Unikum").
_LEADING_NOISE = (
    ("e", "tjansten"),
    ("tjansten",),
    ("appen",),
    ("systemet",),
    ("verktyget",),
    ("programmet",),
    ("larplattformen",),
    ("larplattform",),
    ("skolplattformen",),
    ("plattformen",),
    ("elevportalen",),
    ("skolportalen",),
)
#: Words of an owner in brackets: "(Barn- och utbildningsförvaltningen)", "(Mittköpings kommun)".
_OWNER_WORDS = re.compile(r"(kommun|forvaltning|namnd|stad|region|skolenhet|avdelning|enhet)\w*$")
_BRACKETS = re.compile(r"[\(\[]([^\)\]]*)[\)\]]")
_TAIL_SEPARATOR = re.compile(r"\s+[-–—|]\s+|:\s+")
_SLASH = re.compile(r"(?<![:/])/(?!/)")
_LEGAL_TAIL = re.compile(
    r"\b(ab|ab \(?publ\)?|inc|ltd|llc|gmbh|oy|oyj|asa|as|a/s|aps|ag|sa|bv|nv|plc|pty ltd|corp|corporation|"
    r"limited|se|srl|s\.r\.o)\.?\s*$",
    re.IGNORECASE,
)


def qualifier_kind(token: str) -> str:
    """"platform", "edition", "school_form", "module" or "" for a normalised word."""
    if token in PLATFORM_WORDS:
        return "platform"
    if token in EDITION_WORDS:
        return "edition"
    if token in SCHOOL_FORM_WORDS:
        return "school_form"
    if token in MODULE_WORDS:
        return "module"
    if len(token) > 8 and token.endswith(_MODULE_STEMS):
        return "module"
    return ""


class NameParts:
    """A registration's name taken apart: the product it names and what the register added.

    ``"Skola24 - Förälder/elev"`` → core ``"skola24"``, qualifiers ``{"foralder", "elev"}``;
    ``"Mentimeter (Mentimeter AB)"`` → core ``"mentimeter"``, no qualifiers (the vendor in
    brackets says nothing about the product); ``"Book Creator iPad"`` → core ``"book creator"``
    (a platform is the same product); ``"Google Apps for Education - GAFE"`` → core
    ``"google apps"``, qualifier ``"education"``, alternate ``"gafe"`` (its acronym).
    """

    __slots__ = ("alternates", "core", "main", "noise", "qualifiers", "tail_qualifiers", "vendor_prefix")

    def __init__(
        self,
        main: str,
        core: str,
        qualifiers: frozenset[str],
        alternates: tuple[str, ...],
        vendor_prefix: str,
        noise: tuple[str, ...],
        tail_qualifiers: frozenset[str] = frozenset(),
    ):
        self.main = main
        #: the qualifiers found after the name (in brackets or after a dash), not in it.
        self.tail_qualifiers = tail_qualifiers
        self.core = core
        self.qualifiers = qualifiers
        self.alternates = alternates
        self.vendor_prefix = vendor_prefix
        self.noise = noise

    def __repr__(self) -> str:
        return (
            f"NameParts(core={self.core!r}, qualifiers={sorted(self.qualifiers)!r}, "
            f"alternates={self.alternates!r}, vendor_prefix={self.vendor_prefix!r}, main={self.main!r})"
        )


_SPECIAL = re.compile(r"[\(\[/:|–—]|\s-\s")
_LEADING_FIRST = frozenset(words[0] for words in _LEADING_NOISE)


def _has_vendor_prefix(tokens: list[str], vendor_key: str, known_vendors: frozenset[str]) -> bool:
    head = ""
    for token in tokens[:-1]:
        head += token
        if head == vendor_key or head in known_vendors:
            return True
    return False


def _initials(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t)


def _strip_qualifiers(tokens: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(core tokens, qualifier tokens, dropped platform tokens) of a normalised main name."""
    tokens = list(tokens)
    qualifiers: list[str] = []
    noise: list[str] = []
    for leading in _LEADING_NOISE:
        # "Lärplattformen SchoolSoft" is SchoolSoft; "Lärplattformen i Södertälje" is a name.
        if (
            len(tokens) > len(leading)
            and tuple(tokens[: len(leading)]) == leading
            and tokens[len(leading)] not in _QUALIFIER_LINKS
        ):
            noise.extend(tokens[: len(leading)])
            tokens = tokens[len(leading) :]
            break
    while len(tokens) > 1:
        last = tokens[-1]
        kind = qualifier_kind(last)
        before = qualifier_kind(tokens[-2]) if len(tokens) > 2 else ""
        edition_number = last.isdigit() and before not in ("", "platform")
        if not kind and edition_number:
            kind = "edition"  # "GeoGebra Classic 6": the number belongs to the edition
        if kind == "platform":
            noise.append(tokens.pop())
        elif kind:
            qualifiers.append(tokens.pop())
        elif last in _QUALIFIER_LINKS and (qualifiers or noise):
            tokens.pop()
        else:
            break
        # Keep at least something that names a product: "Pro" alone is not stripped to nothing.
        if len("".join(tokens)) < 3:
            tokens.append((qualifiers or noise).pop())
            break
    while len(tokens) > 1 and tokens[-1] in _QUALIFIER_LINKS:
        tokens.pop()
    return tokens, qualifiers, noise


#: A region in square brackets, as directories of online services write one service per country:
#: "Barclays [UK]", "Santander [PL]". Not a product's acronym, and not the same service elsewhere.
_REGION_TAG = re.compile(r"\[([A-Z]{2,3})\]")


def region_tag(name: str) -> str:
    """The region a name is tagged with in square brackets ("" if none): "Vodafone [AU]" → "AU"."""
    match = _REGION_TAG.search(name or "")
    return match.group(1) if match else ""


@lru_cache(maxsize=65536)
def name_parts(name: str, vendor_key: str = "", known_vendors: frozenset[str] = frozenset()) -> NameParts:
    """Take ``name`` apart (see :class:`NameParts`).

    ``vendor_key`` is the record's vendor as :func:`normalise_vendor` gives it; ``known_vendors``
    are more vendor keys (the catalogue's) recognised in brackets and as a leading word.
    """
    raw = unicodedata.normalize("NFKC", name or "").strip()
    if not _SPECIAL.search(raw):
        # Most names have no brackets, separators, qualifiers or vendor: take the fast way.
        main = normalise_name(raw)
        tokens = main.split()
        if len(tokens) == 1 or (
            not qualifier_kind(tokens[-1])
            and not (tokens[-1].isdigit() and len(tokens) > 2 and qualifier_kind(tokens[-2]))
            and tokens[-1] not in _QUALIFIER_LINKS
            and tokens[0] not in _LEADING_FIRST
            and not _has_vendor_prefix(tokens, vendor_key, known_vendors)
        ):
            return NameParts(main, main, frozenset(), (), "", ())
    segments: list[str] = []

    def keep_bracket(match: re.Match) -> str:
        segments.append(match.group(1))
        return " "

    main_raw = _BRACKETS.sub(keep_bracket, raw)
    parts = _TAIL_SEPARATOR.split(main_raw)
    main_raw, segments = parts[0], [*parts[1:], *segments]
    slashed = [p for p in _SLASH.split(main_raw) if p.strip()] if "/" in main_raw else [main_raw]
    alternates: list[str] = []
    if len(slashed) > 1 and all(len(compact(normalise_name(p))) >= 4 for p in slashed):
        # "Skola24 Schema/Novaschem": both names of the product; "Förälder/elev" is not split.
        main_raw = slashed[0]
        alternates.extend(normalise_name(p) for p in slashed[1:])
    main = normalise_name(main_raw) if main_raw.strip() else normalise_name(raw)
    main_tokens = main.split()
    core_tokens, qualifiers, noise = _strip_qualifiers(main_tokens)

    in_name = len(qualifiers)
    for segment in segments:
        text = normalise_name(segment) if segment.strip() else ""
        if not text:
            continue
        key = compact(text)
        tokens = text.split()
        if (
            _LEGAL_TAIL.search(segment.strip())
            or key == vendor_key
            or key in known_vendors
            or key == compact(" ".join(core_tokens))
            or key == compact(main)
            or _OWNER_WORDS.search(tokens[-1])
        ):
            noise.append(key)  # the vendor, the owner or the product again
            continue
        if region_tag(f"[{segment.strip()}]") and f"[{segment.strip()}]" in raw:
            noise.append(key)  # a region ("Barclays [UK]"): kept apart by the finder, not an acronym
            continue
        if segment.strip().isupper() and len(key) <= 6:
            alternates.append(text)  # an abbreviation in capitals: "(ASM)", "(TED)"
            continue
        kinds = [qualifier_kind(t) for t in tokens if t not in _QUALIFIER_LINKS]
        if kinds and all(kinds):
            qualifiers.extend(t for t, k in zip(tokens, kinds, strict=False) if k and k != "platform")
            noise.extend(t for t, k in zip(tokens, kinds, strict=False) if k == "platform")
        elif key == _initials(main_tokens) or key == _initials(main_tokens + qualifiers[::-1]) or (
            len(key) <= 5 and key == _initials(normalise_name(main_raw + " " + " ".join(qualifiers)).split())
        ):
            alternates.append(text)  # an acronym: "GAFE", "ASM"
        else:
            alternates.append(text)
            qualifiers.append(key)  # something else after the name: review, do not assume

    vendor_prefix = ""
    if len(core_tokens) > 1:
        for size in range(len(core_tokens) - 1, 0, -1):
            head = "".join(core_tokens[:size])
            if head == vendor_key or head in known_vendors:
                vendor_prefix = head
                core_tokens = core_tokens[size:]
                break
    core = " ".join(core_tokens)
    return NameParts(
        main=main,
        core=core,
        qualifiers=frozenset(qualifiers),
        alternates=tuple(dict.fromkeys(a for a in alternates if a)) if alternates else (),
        vendor_prefix=vendor_prefix,
        noise=tuple(noise),
        tail_qualifiers=frozenset(qualifiers[in_name:]),
    )
