# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Per-line loops compiled, built at install by ``hatch_build.py`` and reached through
:mod:`boilersift.compiled`; where they could not be built, their callers compute the same in numpy
and Python (``tests/test_compiled.py`` checks both give the same to the bit):

* :func:`leaves`: the tree walk of ``model.predictors.Trees.leaves``, each row down each tree node
  by node, as scikit-learn's own predictors walk, with no numpy call per tree level; and
  :func:`boosted_sums`, the same walk summing the leaves' values as it goes;
* :func:`hashed_scores`: ``model.predictors.HashedWords.decision_function``, with no Python string
  per word or bigram and no Python call per term;
* :func:`content_word_pairs`: ``features.featurize.content_word_ids``, with hash tables in C
  instead of a Python set and dict per line;
* :func:`line_shapes`: ``features.featurize._line_shapes``, one pass over each line's characters
  instead of a Python string per word;
* :class:`Scanner`: ``features.featurize._scans``, the sentence ends, dates and lexicon phrases of
  each line in one pass instead of three regular-expression scans and a match object per hit;
* :class:`CharClasses`: ``features.featurize._char_class_counts``, a table lookup per character
  instead of a numpy pass over the page per code point range.
"""

from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISLOWER,
    Py_UNICODE_ISSPACE,
    Py_UNICODE_ISUPPER,
    PyUnicode_DATA,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from libc.math cimport sqrt
from libc.stdint cimport int64_t, uint32_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcmp, memcpy

import numpy as np

cdef enum:
    ROWS_PER_TREE = 128


cdef inline Py_ssize_t _leaf(const double[:, ::1] X, Py_ssize_t row, Py_ssize_t node,
                             const Py_ssize_t[::1] feature, const double[::1] threshold, const Py_ssize_t[::1] left,
                             const Py_ssize_t[::1] right, const unsigned char[::1] missing_left) noexcept nogil:
    """The leaf row `row` of X reaches from `node` down: a node tests ``X[row, feature] <= threshold``;
    NaN goes left where ``missing_left``; a leaf has ``left < 0``."""
    cdef double x
    while left[node] >= 0:
        x = X[row, feature[node]]
        if x <= threshold[node] or (x != x and missing_left[node]):
            node = left[node]
        else:
            node = right[node]
    return node


def leaves(const double[:, ::1] X, const Py_ssize_t[::1] feature, const double[::1] threshold,
           const Py_ssize_t[::1] left, const Py_ssize_t[::1] right, const unsigned char[::1] missing_left,
           const Py_ssize_t[::1] roots):
    """(rows, trees): the leaf each row of X reaches in each tree (:func:`_leaf`), as scikit-learn's
    own predictors walk. The caller checks the arrays (``Trees._check``) and X's columns. Rows go
    through the trees in blocks of ROWS_PER_TREE, tree by tree, so that a tree's nodes stay in the
    cache (1.2-1.7x faster than each row through all trees)."""
    cdef Py_ssize_t rows = X.shape[0], trees = roots.shape[0], row, tree, start = 0, stop
    out = np.empty((rows, trees), dtype=np.intp)
    cdef Py_ssize_t[:, ::1] reached = out
    with nogil:
        while start < rows:
            stop = start + ROWS_PER_TREE if start + ROWS_PER_TREE < rows else rows
            for tree in range(trees):
                for row in range(start, stop):
                    reached[row, tree] = _leaf(X, row, roots[tree], feature, threshold, left, right, missing_left)
            start = stop
    return out


def boosted_sums(const double[:, ::1] X, const Py_ssize_t[::1] feature, const double[::1] threshold,
                 const Py_ssize_t[::1] left, const Py_ssize_t[::1] right, const unsigned char[::1] missing_left,
                 const Py_ssize_t[::1] roots, const double[::1] value, double baseline):
    """Per row of X, `baseline` plus the `value` of the leaf it reaches in each tree, added tree by
    tree in order (the sums ``model.predictors.Trees.predict_proba`` makes of :func:`leaves`, to
    the bit, without the matrix of leaves)."""
    cdef Py_ssize_t rows = X.shape[0], trees = roots.shape[0], row, tree, start = 0, stop
    out = np.full(rows, baseline)
    cdef double[::1] raw = out
    with nogil:
        while start < rows:
            stop = start + ROWS_PER_TREE if start + ROWS_PER_TREE < rows else rows
            for tree in range(trees):
                for row in range(start, stop):
                    raw[row] += value[_leaf(X, row, roots[tree], feature, threshold, left, right, missing_left)]
            start = stop
    return out


cdef inline uint32_t _rotl(uint32_t x, int r) noexcept nogil:
    return (x << r) | (x >> (32 - r))


cdef uint32_t _murmur3(const unsigned char* data, Py_ssize_t length) noexcept nogil:
    """MurmurHash3_x86_32 with seed 0 (what mmh3.hash and scikit-learn's hashing compute)."""
    cdef uint32_t h = 0, k, c1 = 0xcc9e2d51U, c2 = 0x1b873593U
    cdef Py_ssize_t i, blocks = length // 4
    for i in range(blocks):
        k = (<uint32_t>data[4 * i] | (<uint32_t>data[4 * i + 1] << 8) | (<uint32_t>data[4 * i + 2] << 16)
             | (<uint32_t>data[4 * i + 3] << 24))
        k = _rotl(k * c1, 15) * c2
        h = _rotl(h ^ k, 13) * 5U + 0xe6546b64U
    k = 0
    i = blocks * 4
    if length & 3 == 3:
        k ^= <uint32_t>data[i + 2] << 16
    if length & 3 >= 2:
        k ^= <uint32_t>data[i + 1] << 8
    if length & 3 >= 1:
        k ^= <uint32_t>data[i]
        h ^= _rotl(k * c1, 15) * c2
    h ^= <uint32_t>length
    h ^= h >> 16
    h *= 0x85ebca6bU
    h ^= h >> 13
    h *= 0xc2b2ae35U
    h ^= h >> 16
    return h


cdef inline int64_t _bucket(uint32_t hash_, int64_t n_features) noexcept nogil:
    """scikit-learn's bucket of a signed 32-bit hash: its absolute value modulo n_features."""
    cdef int64_t signed = <int64_t>(<int>hash_)
    if signed == -2147483648LL:
        return (2147483647 - (n_features - 1)) % n_features
    return (signed if signed >= 0 else -signed) % n_features


cdef Py_ssize_t _GAPS[17]
_GAPS[:] = [1, 4, 10, 23, 57, 132, 301, 701, 1577, 3548, 7983, 17961, 40412, 90927, 204585, 460316, 1035711]


cdef void _sort(int64_t* values, Py_ssize_t size) noexcept nogil:
    """`values` sorted ascending in place: a shell sort (Ciura's gaps, then each 2.25 times the
    last), inlined, where ``qsort``'s call per comparison cost 2% of predicting HTML for a line's
    hundred or so buckets."""
    cdef Py_ssize_t g = 16, gap, i, j
    cdef int64_t value
    while g > 0 and _GAPS[g] >= size:
        g -= 1
    while g >= 0:
        gap = _GAPS[g]
        for i in range(gap, size):
            value = values[i]
            j = i
            while j >= gap and values[j - gap] > value:
                values[j] = values[j - gap]
                j -= gap
            values[j] = value
        g -= 1


cdef inline Py_ssize_t _decode(const unsigned char* text, Py_ssize_t i, Py_UCS4* code) noexcept nogil:
    """The code point of the (valid) UTF-8 sequence at text[i] into `code`; the next position."""
    cdef unsigned char c = text[i]
    if c < 0x80:
        code[0] = c
        return i + 1
    if c < 0xE0:
        code[0] = ((c & 0x1F) << 6) | (text[i + 1] & 0x3F)
        return i + 2
    if c < 0xF0:
        code[0] = ((c & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F)
        return i + 3
    code[0] = ((c & 0x07) << 18) | ((text[i + 1] & 0x3F) << 12) | ((text[i + 2] & 0x3F) << 6) | (text[i + 3] & 0x3F)
    return i + 4


cdef inline bint _word_char(Py_UCS4 code):
    """What ``\\w`` matches in a str pattern: a letter, digit or numeric character, or "_"."""
    if code < 128:
        return (48 <= code <= 57) or (65 <= code <= 90) or (97 <= code <= 122) or code == 95
    return Py_UNICODE_ISALNUM(code)


cdef double _line_score(int64_t* buckets, Py_ssize_t size, Py_ssize_t* counts, const double[::1] coef) noexcept:
    """A line's l2-normalised bucket counts times `coef`, summed over its buckets in ascending
    order (as the vectoriser's sorted CSR rows and numpy's bincount sum them); `buckets` is
    sorted in place and `counts` (as long) overwritten."""
    cdef Py_ssize_t runs = 0, j = 0, k
    cdef double norm = 0.0, total = 0.0
    _sort(buckets, size)
    while j < size:  # the distinct buckets and their counts
        k = j
        while k < size and buckets[k] == buckets[j]:
            k += 1
        buckets[runs], counts[runs] = buckets[j], k - j
        runs += 1
        j = k
    for j in range(runs):
        norm += <double>(counts[j] * counts[j])
    norm = sqrt(norm)
    if norm == 0.0:
        norm = 1.0
    for j in range(runs):
        total += (counts[j] / norm) * coef[buckets[j]]
    return total


cdef Py_ssize_t _words(const unsigned char* text, Py_ssize_t length, Py_ssize_t* starts):
    """The words of UTF-8 `text` (maximal runs of word characters, as ``WORD.findall`` finds
    them): their [start, end) byte offsets into `starts` (room for `length` + 1 words' two), and
    their number."""
    cdef Py_ssize_t position = 0, following, words = 0
    cdef Py_UCS4 code
    while position < length:
        following = _decode(text, position, &code)
        if _word_char(code):
            starts[2 * words] = position
            position = following
            while position < length:
                following = _decode(text, position, &code)
                if not _word_char(code):
                    break
                position = following
            starts[2 * words + 1] = position
            words += 1
        else:
            position = following
    return words


def hashed_scores(list texts, const double[::1] coef, double intercept):
    """The decision function of each text: the hashed counts of its lower-cased words (maximal runs
    of word characters, as ``WORD.findall`` finds them) and word bigrams, l2-normalised, times `coef`,
    plus `intercept`: the numpy scores to the bit."""
    cdef int64_t n_features = coef.shape[0]
    cdef Py_ssize_t n = len(texts), i, j, size, length, words
    cdef Py_ssize_t capacity = 0, joined_capacity = 0, a_size, b_size
    cdef const unsigned char* text
    cdef bytes encoded
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] scores = out
    cdef int64_t* buckets = NULL
    cdef Py_ssize_t* starts = NULL
    cdef unsigned char* joined = NULL
    try:
        for i in range(n):
            # surrogatepass: a lone surrogate is no word character, and the words stay valid UTF-8
            encoded = texts[i].lower().encode("utf-8", "surrogatepass")
            text = <const unsigned char*>encoded
            length = len(encoded)
            if 2 * length + 2 > capacity:  # at most length words, each 2 offsets; 2 buckets per word
                free(buckets)
                free(starts)
                capacity = 2 * length + 64
                buckets = <int64_t*>malloc(capacity * sizeof(int64_t))
                starts = <Py_ssize_t*>malloc(capacity * sizeof(Py_ssize_t))
                if buckets == NULL or starts == NULL:
                    raise MemoryError()
            words = _words(text, length, starts)
            size = 0
            for j in range(words):
                b_size = starts[2 * j + 1] - starts[2 * j]
                buckets[size] = _bucket(_murmur3(text + starts[2 * j], b_size), n_features)
                size += 1
                if j:
                    a_size = starts[2 * j - 1] - starts[2 * j - 2]
                    if a_size + b_size + 1 > joined_capacity:
                        free(joined)
                        joined_capacity = 2 * (a_size + b_size + 1) + 64
                        joined = <unsigned char*>malloc(joined_capacity)
                        if joined == NULL:
                            raise MemoryError()
                    memcpy(joined, text + starts[2 * j - 2], a_size)
                    joined[a_size] = 32  # "a b"
                    memcpy(joined + a_size + 1, text + starts[2 * j], b_size)
                    buckets[size] = _bucket(_murmur3(joined, a_size + b_size + 1), n_features)
                    size += 1
            scores[i] = _line_score(buckets, size, starts, coef) + intercept
    finally:
        free(buckets)
        free(starts)
        free(joined)
    return out


def word_buckets(str text, int64_t n_features):
    """The bucket of each lower-cased word of `text` (maximal runs of word characters, as
    ``WORD.findall`` finds them), hashed as ``predictors.hashed_buckets`` hashes them."""
    cdef bytes encoded = text.lower().encode("utf-8", "surrogatepass")
    cdef const unsigned char* data = <const unsigned char*>encoded
    cdef Py_ssize_t length = len(encoded), words, j
    cdef int64_t[::1] buckets
    cdef Py_ssize_t* starts = <Py_ssize_t*>malloc((2 * length + 2) * sizeof(Py_ssize_t))
    if starts == NULL:
        raise MemoryError()
    try:
        words = _words(data, length, starts)
        out = np.empty(words, dtype=np.int64)
        buckets = out
        for j in range(words):
            buckets[j] = _bucket(_murmur3(data + starts[2 * j], starts[2 * j + 1] - starts[2 * j]), n_features)
    finally:
        free(starts)
    return out


cdef inline bint _letter(Py_UCS4 code):
    """What ``[^\\W\\d_]`` matches in a str pattern: a word character that is no decimal digit nor "_"."""
    if code < 128:
        return (65 <= code <= 90) or (97 <= code <= 122)
    return Py_UNICODE_ISALNUM(code) and not Py_UNICODE_ISDECIMAL(code)


cdef struct _Table:
    # Open addressing over byte strings kept in `arena`: slot -> (offset, length, id); id -1: empty.
    Py_ssize_t* offsets
    Py_ssize_t* lengths
    uint32_t* hashes
    int64_t* ids
    Py_ssize_t capacity, count
    unsigned char* arena
    Py_ssize_t arena_size, arena_capacity


cdef int _table_init(_Table* table, Py_ssize_t capacity) except -1:
    """An empty table of `capacity` slots (a power of two) and an empty arena."""
    cdef Py_ssize_t i
    table.capacity, table.count = capacity, 0
    table.arena, table.arena_size, table.arena_capacity = NULL, 0, 0
    table.offsets = <Py_ssize_t*>malloc(capacity * sizeof(Py_ssize_t))
    table.lengths = <Py_ssize_t*>malloc(capacity * sizeof(Py_ssize_t))
    table.hashes = <uint32_t*>malloc(capacity * sizeof(uint32_t))
    table.ids = <int64_t*>malloc(capacity * sizeof(int64_t))
    if not (table.offsets and table.lengths and table.hashes and table.ids):
        raise MemoryError()
    for i in range(capacity):
        table.ids[i] = -1
    return 0


cdef void _table_free(_Table* table) noexcept:
    free(table.arena)
    free(table.offsets)
    free(table.lengths)
    free(table.hashes)
    free(table.ids)
    table.arena = NULL
    table.offsets = table.lengths = NULL
    table.hashes = NULL
    table.ids = NULL


cdef Py_ssize_t _table_slot(_Table* table, const unsigned char* key, Py_ssize_t length, uint32_t hash_) noexcept:
    """The slot holding `key`, or the empty slot where it would go."""
    cdef Py_ssize_t slot = hash_ & (table.capacity - 1)
    while table.ids[slot] >= 0:
        if table.hashes[slot] == hash_ and table.lengths[slot] == length \
                and memcmp(table.arena + table.offsets[slot], key, length) == 0:
            return slot
        slot = (slot + 1) & (table.capacity - 1)
    return slot


cdef int64_t _table_id(_Table* table, const unsigned char* key, Py_ssize_t length, bint add) except -2:
    """The id of `key`; if absent, -1, or (`add`) the next id, the key stored."""
    cdef uint32_t hash_ = _murmur3(key, length)
    cdef Py_ssize_t slot = _table_slot(table, key, length, hash_), i
    cdef _Table grown
    if table.ids[slot] >= 0:
        return table.ids[slot]
    if not add:
        return -1
    if table.arena_size + length > table.arena_capacity:
        table.arena_capacity = 2 * (table.arena_size + length) + 1024
        table.arena = <unsigned char*>realloc(table.arena, table.arena_capacity)
        if table.arena == NULL:
            raise MemoryError()
    memcpy(table.arena + table.arena_size, key, length)
    table.offsets[slot], table.lengths[slot], table.hashes[slot] = table.arena_size, length, hash_
    table.ids[slot] = table.count
    table.arena_size += length
    table.count += 1
    if 2 * table.count > table.capacity:  # keep it at most half full
        _table_init(&grown, 2 * table.capacity)
        for i in range(table.capacity):
            if table.ids[i] >= 0:
                slot = table.hashes[i] & (grown.capacity - 1)
                while grown.ids[slot] >= 0:
                    slot = (slot + 1) & (grown.capacity - 1)
                grown.offsets[slot], grown.lengths[slot] = table.offsets[i], table.lengths[i]
                grown.hashes[slot], grown.ids[slot] = table.hashes[i], table.ids[i]
        grown.count, grown.arena = table.count, table.arena
        grown.arena_size, grown.arena_capacity = table.arena_size, table.arena_capacity
        table.arena = NULL  # now the grown table's
        _table_free(table)
        table[0] = grown
    return table.count - 1


def content_word_pairs(list pages, stop_words):
    """(rows, ids) of the content words of the lines of several pages, as
    ``features.featurize.content_word_ids`` returns them: a line's words of three letters or more
    (runs of ``[^\\W\\d_]`` after lower-casing) that are not in `stop_words`, cut to six characters,
    each once per line; rows number the lines of all pages in order, each page numbers its own
    words from 0 (in the order they first appear)."""
    cdef _Table stop, vocabulary
    cdef Py_ssize_t row = 0, position, following, start, letters, cut, length, pairs = 0, pair_capacity = 0
    cdef Py_ssize_t seen_capacity = 0, i
    cdef int64_t word
    cdef int64_t[::1] copy_rows, copy_ids
    cdef int64_t* rows = NULL
    cdef int64_t* ids = NULL
    cdef int64_t* last_row = NULL  # the last row each id of the page was counted for
    cdef Py_UCS4 code
    cdef const unsigned char* text
    cdef bytes encoded
    _table_init(&stop, 1024)
    try:
        for stop_word in stop_words:
            encoded = stop_word.encode("utf-8", "surrogatepass")
            _table_id(&stop, <const unsigned char*>encoded, len(encoded), True)
        for page in pages:
            _table_init(&vocabulary, 256)
            try:
                for line in page:
                    encoded = line.lower().encode("utf-8", "surrogatepass")
                    text = <const unsigned char*>encoded
                    length = len(encoded)
                    position = 0
                    while position < length:
                        following = _decode(text, position, &code)
                        if not _letter(code):
                            position = following
                            continue
                        start, letters, cut = position, 0, position
                        while position < length:
                            following = _decode(text, position, &code)
                            if not _letter(code):
                                break
                            letters += 1
                            position = following
                            if letters == 6:
                                cut = position
                        if letters < 3 or _table_id(&stop, text + start, position - start, False) >= 0:
                            continue
                        if letters < 6:
                            cut = position
                        word = _table_id(&vocabulary, text + start, cut - start, True)
                        if word >= seen_capacity:
                            seen_capacity = 2 * word + 256
                            last_row = <int64_t*>realloc(last_row, seen_capacity * sizeof(int64_t))
                            if last_row == NULL:
                                raise MemoryError()
                            for i in range(word, seen_capacity):  # ids come one by one: word is the old capacity
                                last_row[i] = -1
                        if last_row[word] == row:
                            continue
                        last_row[word] = row
                        if pairs == pair_capacity:
                            pair_capacity = 2 * pair_capacity + 1024
                            rows = <int64_t*>realloc(rows, pair_capacity * sizeof(int64_t))
                            ids = <int64_t*>realloc(ids, pair_capacity * sizeof(int64_t))
                            if rows == NULL or ids == NULL:
                                raise MemoryError()
                        rows[pairs], ids[pairs] = row, word
                        pairs += 1
                    row += 1
            finally:
                _table_free(&vocabulary)
        out_rows = np.empty(pairs, dtype=np.int64)
        out_ids = np.empty(pairs, dtype=np.int64)
        copy_rows, copy_ids = out_rows, out_ids
        for i in range(pairs):
            copy_rows[i], copy_ids[i] = rows[i], ids[i]
        return out_rows, out_ids
    finally:
        _table_free(&stop)
        free(rows)
        free(ids)
        free(last_row)


cdef inline bint _among(Py_UCS4 code, const unsigned char* ascii, str chars):
    """Is `code` one of `chars`, whose ASCII members `ascii` marks?"""
    return ascii[code] if code < 128 else code in chars


def line_shapes(list texts, list lows, frozenset stop_words, Py_ssize_t longest, str terminal, str bullet,
                str strip):
    """``features.featurize._line_shapes``: per line, its words (``str.split()``), whether it ends
    in `terminal` or ":", starts upper or lower case, with other punctuation or a `bullet`, has a
    "|", and the shares of its words that start upper case and of its lower-cased words that are
    stop words once `strip` characters are stripped from their ends (`longest`: the characters of
    the longest stop word; a longer word is looked up in no set)."""
    cdef Py_ssize_t n = len(texts), i, j, length, start, end, words, title, stop
    cdef str text, low
    cdef Py_UCS4 code, first, last
    cdef bint in_word, pipe
    cdef unsigned int kind
    cdef void* data
    cdef unsigned char ascii_strip[128]  # which ASCII characters are in `strip`: one lookup, not a search
    for j in range(128):
        ascii_strip[j] = chr(j) in strip
    out = np.zeros((n, 10))
    cdef double[:, ::1] rows = out
    for i in range(n):
        text, low = texts[i], lows[i]
        length = len(text)
        if length == 0:
            raise ValueError("a line without text")
        words = title = 0
        in_word = pipe = False
        for code in text:
            if Py_UNICODE_ISSPACE(code):
                in_word = False
                continue
            if not in_word:
                words += 1
                title += Py_UNICODE_ISUPPER(code) != 0
                in_word = True
            pipe |= code == u"|"
        stop = 0
        length = len(low)
        kind, data = PyUnicode_KIND(low), PyUnicode_DATA(low)  # read in place: no checks per character
        j = 0
        while j < length:
            while j < length and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)):
                j += 1
            start = j
            while j < length and not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j)):
                j += 1
            end = j
            while start < end and _among(PyUnicode_READ(kind, data, start), ascii_strip, strip):
                start += 1
            while end > start and _among(PyUnicode_READ(kind, data, end - 1), ascii_strip, strip):
                end -= 1
            if 0 < end - start <= longest and low[start:end] in stop_words:
                stop += 1
        first, last = text[0], text[len(text) - 1]
        rows[i, 0] = words
        rows[i, 1] = last in terminal
        rows[i, 2] = last == u":"
        rows[i, 3] = Py_UNICODE_ISUPPER(first) != 0
        rows[i, 4] = Py_UNICODE_ISLOWER(first) != 0
        rows[i, 5] = not Py_UNICODE_ISALNUM(first) and first not in bullet
        rows[i, 6] = first in bullet
        rows[i, 7] = pipe
        rows[i, 8] = title / <double>words if words else 0.0
        rows[i, 9] = stop / <double>words if words else 0.0
    return out


cdef inline bint _decimal_at(str text, Py_ssize_t i, Py_ssize_t n):
    return i < n and Py_UNICODE_ISDECIMAL(text[i])


cdef inline bint _word_ends(str text, Py_ssize_t i, Py_ssize_t n):
    """``\\b`` after a digit at text[i - 1]: no word character follows (a line's end is followed by "\\n")."""
    return i >= n or not (Py_UNICODE_ISALNUM(text[i]) or text[i] == u"_")


cdef bint _separated(str text, Py_ssize_t at, Py_ssize_t n, Py_UCS4 separator, bint slash_too):
    return at < n and (text[at] == separator or (slash_too and text[at] == u"/"))


cdef bint _dated_at(str text, Py_ssize_t p, Py_ssize_t n):
    """Does DATE_TIME match at text[p], a decimal digit after no word character: ``\\d{1,2}:\\d{2}``,
    ``\\d{4}-\\d{2}-\\d{2}``, ``\\d{1,2}[./]\\d{1,2}[./]\\d{2,4}`` or ``(?:19|20)\\d{2}``, each ending a word?"""
    cdef Py_ssize_t k, k2, k3, q, r
    for k in range(1, 3):
        if k == 2 and not _decimal_at(text, p + 1, n):
            break
        if _separated(text, p + k, n, u":", False) and _decimal_at(text, p + k + 1, n) \
                and _decimal_at(text, p + k + 2, n) and _word_ends(text, p + k + 3, n):
            return True
        if _separated(text, p + k, n, u".", True):  # d/m/y
            q = p + k + 1
            for k2 in range(1, 3):
                if not _decimal_at(text, q + k2 - 1, n):
                    break
                if _separated(text, q + k2, n, u".", True):
                    r = q + k2 + 1
                    for k3 in range(1, 5):
                        if not _decimal_at(text, r + k3 - 1, n):
                            break
                        if k3 >= 2 and _word_ends(text, r + k3, n):
                            return True
    if all(_decimal_at(text, p + k, n) for k in range(4)):
        if _separated(text, p + 4, n, u"-", False) and _decimal_at(text, p + 5, n) and _decimal_at(text, p + 6, n) \
                and _separated(text, p + 7, n, u"-", False) and _decimal_at(text, p + 8, n) \
                and _decimal_at(text, p + 9, n) and _word_ends(text, p + 10, n):
            return True
        if ((text[p] == u"1" and text[p + 1] == u"9") or (text[p] == u"2" and text[p + 1] == u"0")) \
                and _word_ends(text, p + 4, n):
            return True
    return False


cdef class Scanner:
    """What ``features.featurize`` scans each line for with three regular expressions, in one pass
    per line: sentence ends (a `marks` character before white space or the line's end), a date
    or time (DATE_TIME), and the phrases of the lexicon (a prefix tree of `phrase_category`'s
    keys, each phrase neither preceded nor followed by a character of `latin`, a table of the
    first 256 code points; the longest phrase that fits wins, and the scan goes on after it).
    Phrases name their category by its number, from 0 to `n_categories` - 1."""
    cdef Py_UCS4[::1] marks
    cdef const unsigned char[::1] ascii_marks  # of the first 128 code points, which are marks
    cdef Py_ssize_t[::1] first_edge, edge_count, category, edge_child
    cdef Py_UCS4[::1] edge_code
    cdef const unsigned char[::1] latin
    cdef readonly Py_ssize_t n_categories

    def __init__(self, str marks, dict phrase_category, bytes latin, Py_ssize_t n_categories):
        trie = {}
        for phrase, category in phrase_category.items():
            node = trie
            for char in phrase:
                node = node.setdefault(char, {})
            node[""] = category
        nodes, first, count, categories, codes, children = [trie], [], [], [], [], []
        for node in nodes:  # breadth first: each node's edges together, sorted by code point
            chars = sorted(char for char in node if char)
            first.append(len(codes))
            count.append(len(chars))
            categories.append(node.get("", -1))
            for char in chars:
                codes.append(ord(char))
                children.append(len(nodes))
                nodes.append(node[char])
        self.first_edge, self.edge_count = np.array(first, dtype=np.intp), np.array(count, dtype=np.intp)
        self.category, self.edge_child = np.array(categories, dtype=np.intp), np.array(children, dtype=np.intp)
        self.edge_code = np.array(codes, dtype=np.uint32)
        self.marks = np.array([ord(char) for char in marks], dtype=np.uint32)
        self.ascii_marks = bytes(chr(code) in marks for code in range(128))
        self.latin = latin
        self.n_categories = n_categories

    cdef inline bint _latin(self, Py_UCS4 code):
        return code < 256 and self.latin[code]

    cdef Py_ssize_t _child(self, Py_ssize_t node, Py_UCS4 code):
        cdef Py_ssize_t low = self.first_edge[node], high = low + self.edge_count[node], middle
        while low < high:
            middle = (low + high) // 2
            if self.edge_code[middle] < code:
                low = middle + 1
            else:
                high = middle
        return self.edge_child[low] if low < self.first_edge[node] + self.edge_count[node] \
            and self.edge_code[low] == code else -1

    cdef Py_ssize_t _phrase_end(self, unsigned int kind, void* low, Py_ssize_t p, Py_ssize_t n, Py_ssize_t* category):
        """The end of the longest phrase at low[p] (a str's `kind` and data) that no latin character
        follows; -1: none."""
        cdef Py_ssize_t node = 0, i = p, end = -1
        while i < n:
            node = self._child(node, PyUnicode_READ(kind, low, i))
            if node < 0:
                break
            i += 1
            if self.category[node] >= 0 and (i == n or not self._latin(PyUnicode_READ(kind, low, i))):
                end, category[0] = i, self.category[node]
        return end

    def scan(self, list texts, list lows):
        """(sentence ends, dated, lexicon) per line of `texts` (`lows`: lower-cased): the counts of
        sentence ends; 1.0 where a date or time is; and per lexicon category 1.0 where a phrase of it
        is, then a column left 0, then the characters of `lows` the phrases cover."""
        cdef Py_ssize_t n = len(texts), i, j, length, end, category = -1, k
        cdef str text, low
        cdef Py_UCS4 code
        cdef unsigned int kind
        cdef void* data  # the characters of `text` or `low`, read in place (no checks per character)
        sentences_out, dated_out = np.zeros(n), np.zeros(n)
        lex_out = np.zeros((n, self.n_categories + 2))
        cdef double[::1] sentences = sentences_out, dated = dated_out
        cdef double[:, ::1] lex = lex_out
        for i in range(n):
            text = texts[i]
            length = len(text)
            kind, data = PyUnicode_KIND(text), PyUnicode_DATA(text)
            for j in range(length):
                code = PyUnicode_READ(kind, data, j)
                if code >= 128 or self.ascii_marks[code]:  # most characters: one lookup says no mark
                    for k in range(self.marks.shape[0]):
                        if code == self.marks[k]:
                            if j + 1 == length or Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, j + 1)):
                                sentences[i] += 1
                            break
                if not dated[i] and Py_UNICODE_ISDECIMAL(code) and (j == 0 or not (
                        Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, j - 1))
                        or PyUnicode_READ(kind, data, j - 1) == u"_")) and _dated_at(text, j, length):
                    dated[i] = 1.0
            low = lows[i]
            length = len(low)
            kind, data = PyUnicode_KIND(low), PyUnicode_DATA(low)
            j = 0
            while j < length:
                if j == 0 or not self._latin(PyUnicode_READ(kind, data, j - 1)):
                    end = self._phrase_end(kind, data, j, length, &category)
                    if end > j:
                        lex[i, category] = 1.0
                        lex[i, self.n_categories + 1] += end - j
                        j = end
                        continue
                j += 1
        return sentences_out, dated_out, lex_out


cdef class CharClasses:
    """``features.featurize._char_class_counts``: per line, how many of its characters fall in
    each class of `classes` (each a tuple of inclusive code point ranges; a character counts once
    per class it is in), then how many are "other": from U+0100 up and in none of them. One table
    lookup per character instead of a numpy pass per range."""
    cdef unsigned char[::1] table  # bit c: in class c; the last bit: other (every code point from here up is)
    cdef Py_ssize_t n_classes

    def __init__(self, tuple classes):
        self.n_classes = len(classes)
        if self.n_classes > 7:
            raise ValueError("at most 7 classes")
        table = np.zeros(0x10000, dtype=np.uint8)
        for c, ranges in enumerate(classes):
            for lo, hi in ranges:
                if hi >= 0x10000:
                    raise ValueError("classes end below U+10000")
                table[lo:hi + 1] |= 1 << c
        other = np.arange(0x10000) >= 0x100
        table[other & (table == 0)] = 1 << self.n_classes
        self.table = table

    def counts(self, list texts):
        cdef Py_ssize_t n = len(texts), i, c, columns = self.n_classes + 1
        cdef unsigned char mask
        cdef Py_UCS4 code
        cdef str text
        out = np.zeros((n, columns), dtype=np.int64)
        cdef int64_t[:, ::1] counts = out
        for i in range(n):
            text = texts[i]
            for code in text:
                mask = self.table[code] if code < 0x10000 else (1 << self.n_classes)
                if mask:
                    for c in range(columns):
                        counts[i, c] += (mask >> c) & 1
        return out
