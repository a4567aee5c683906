# cython: language_level=3
"""An HTML page's parse events straight from libxml2, for :func:`boilersift.blocks.html.segment_html`.

lxml's ``HTMLParser(target=...)`` hands libxml2's events to a Python target through its own
SAX callbacks, which make a Python string of every attribute name and value and a dictionary of
every element's attributes, and collect every parse error into a Python log. :func:`feed` sets up
the same libxml2 parser the same way (lxml's options, its push-parser set-up, the same chunks of
text) and hands the same events to the same target, with only the attributes the target reads:
parsing with a do-nothing target takes 0.85 ms a page instead of 1.45 (CHANGELOG).

libxml2 is the one inside lxml (its wheels link it in and export its functions): :func:`load`
finds them in lxml's own module and refuses a libxml2 of another version than the headers this
module was compiled with; :func:`boilersift.blocks.html.segment_html` then leaves the parse to lxml.
"""

from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint32_t
from libc.string cimport memcmp, memcpy, memset, strlen

from boilersift.blocks.html cimport _Segmenter

cdef extern from "dlfcn.h":
    void* dlopen(const char* filename, int flags)
    void* dlsym(void* handle, const char* symbol)
    int RTLD_NOW
    int RTLD_NOLOAD

cdef extern from "libxml/HTMLparser.h":
    """
    #define BOILERSIFT_LIBXML_VERSION LIBXML_VERSION
    """
    int BOILERSIFT_LIBXML_VERSION
    ctypedef unsigned char xmlChar
    ctypedef void (*startElementSAXFunc)(void* ctx, const xmlChar* name, const xmlChar** atts)
    ctypedef void (*endElementSAXFunc)(void* ctx, const xmlChar* name)
    ctypedef void (*charactersSAXFunc)(void* ctx, const xmlChar* ch, int length)
    ctypedef struct xmlSAXHandler:
        void* startElementNs
        void* endElementNs
        startElementSAXFunc startElement
        endElementSAXFunc endElement
        charactersSAXFunc characters
        charactersSAXFunc cdataBlock
        void* reference
        void* processingInstruction
        void* comment
    ctypedef struct xmlParserCtxt:
        xmlSAXHandler* sax
        void* _private
        int replaceEntities
    ctypedef struct xmlError

ctypedef void (*error_handler_t)(void* data, const xmlError* error) noexcept nogil
ctypedef xmlParserCtxt* (*create_t)(const char* buffer, int size) noexcept nogil
ctypedef int (*reset_push_t)(xmlParserCtxt* ctxt, const char* chunk, int size, const char* filename,
                             const char* encoding) noexcept nogil
ctypedef int (*use_options_t)(xmlParserCtxt* ctxt, int options) noexcept nogil
ctypedef void (*set_error_handler_t)(xmlParserCtxt* ctxt, error_handler_t handler, void* data) noexcept nogil
ctypedef int (*parse_chunk_t)(xmlParserCtxt* ctxt, const char* chunk, int size, int terminate) noexcept nogil
ctypedef void (*stop_t)(xmlParserCtxt* ctxt) noexcept nogil
ctypedef void (*free_t)(xmlParserCtxt* ctxt) noexcept nogil

cdef create_t _create = NULL
cdef reset_push_t _reset_push = NULL
cdef use_options_t _use_options = NULL
cdef set_error_handler_t _set_error_handler = NULL
cdef parse_chunk_t _parse_chunk = NULL
cdef stop_t _stop = NULL
cdef free_t _free = NULL

# lxml's HTMLParser defaults: HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_COMPACT.
cdef int OPTIONS = 1 | (1 << 11) | (1 << 16)
# lxml feeds a str to libxml2 in UTF-8, this many characters at a time.
cdef Py_ssize_t CHUNK = 2 ** 19
cdef dict _NO_ATTRIBUTES = {}  # what an element without a wanted attribute gets (never written to)


cdef enum:
    SLOTS = 1024  # of a name table: a power of two
    NAME_SIZE = 24  # longer names are decoded each time


cdef struct Slot:
    char name[NAME_SIZE]  # "": a free slot
    PyObject* value  # the name as str; NULL for a name not wanted


cdef class _Names:
    """Element or attribute names as str, remembered by their bytes in a C hash table (no
    Python object made to look one up); `wanted`, if not None: the names to keep, others give None."""

    cdef Slot slots[SLOTS]
    cdef list owned  # the strs the slots point to
    cdef Py_ssize_t used
    cdef readonly frozenset wanted

    def __cinit__(self, frozenset wanted=None):
        self.wanted = wanted
        self.owned = []
        memset(self.slots, 0, sizeof(self.slots))

    cdef object decode(self, const char* name, size_t length):
        text = PyUnicode_DecodeUTF8(name, length, NULL)
        return text if self.wanted is None or text in self.wanted else None

    cdef object get(self, const char* name):
        cdef size_t length = strlen(name), i
        cdef uint32_t h = 2166136261u  # FNV-1a
        if length >= NAME_SIZE or length == 0:
            return self.decode(name, length)
        for i in range(length):
            h = (h ^ <unsigned char>name[i]) * 16777619u
        cdef Slot* slot
        while True:
            slot = &self.slots[h & (SLOTS - 1)]
            if slot.name[0] == 0:
                break
            if memcmp(slot.name, name, length + 1) == 0:
                return <object>slot.value if slot.value != NULL else None
            h += 1
        value = self.decode(name, length)
        if self.used >= SLOTS // 2:  # a page of made-up names: start again
            memset(self.slots, 0, sizeof(self.slots))
            self.owned = []
            self.used = 0
            return value
        memcpy(slot.name, name, length + 1)
        slot.value = <PyObject*>value if value is not None else NULL
        self.owned.append(value)
        self.used += 1
        return value


cdef _Names _tags = _Names()
cdef _Names _attributes = _Names(frozenset())


cdef int _loaded = -1  # -1: not tried yet; 0: refused; 1: loaded


def load(str library, tuple version) -> bool:
    """Find libxml2's functions in `library` (lxml's compiled module, which links it in) if it is
    the version (lxml's ``LIBXML_VERSION``) this module was compiled for; whether it could (the
    first answer holds)."""
    global _loaded
    if _loaded < 0:
        _loaded = version[:2] == (BOILERSIFT_LIBXML_VERSION // 10000, BOILERSIFT_LIBXML_VERSION // 100 % 100) \
            and _find(library)
    return _loaded == 1


cdef bint _find(str library):
    global _create, _reset_push, _use_options, _set_error_handler, _parse_chunk, _stop, _free
    cdef void* handle = dlopen(library.encode(), RTLD_NOW | RTLD_NOLOAD)
    if handle == NULL:
        return False
    _create = <create_t>dlsym(handle, b"htmlCreateMemoryParserCtxt")
    _reset_push = <reset_push_t>dlsym(handle, b"xmlCtxtResetPush")
    _use_options = <use_options_t>dlsym(handle, b"htmlCtxtUseOptions")
    _set_error_handler = <set_error_handler_t>dlsym(handle, b"xmlCtxtSetErrorHandler")
    _parse_chunk = <parse_chunk_t>dlsym(handle, b"htmlParseChunk")
    _stop = <stop_t>dlsym(handle, b"xmlStopParser")
    _free = <free_t>dlsym(handle, b"htmlFreeParserCtxt")
    return (_create != NULL and _reset_push != NULL and _use_options != NULL and _set_error_handler != NULL
            and _parse_chunk != NULL and _stop != NULL and _free != NULL)


cdef class _Target:
    """The target's callbacks, and the first exception one of them raised; the compiled segmenter
    of blocks/html.py is called straight, without Python's calling convention."""
    cdef object start, end, data, error
    cdef _Segmenter segmenter  # None: another target


cdef inline str _tag(const xmlChar* name):
    return <str>_tags.get(<const char*>name)


cdef dict _read_attributes(const xmlChar** atts):
    """The attributes the target reads, as lxml's target gets them (the last of a repeated name)."""
    cdef dict found = None
    while atts[0] != NULL:
        name = _attributes.get(<const char*>atts[0])
        if name is not None:
            if found is None:
                found = {}
            found[name] = (PyUnicode_DecodeUTF8(<const char*>atts[1], strlen(<const char*>atts[1]), NULL)
                           if atts[1] != NULL else "")
        atts += 2
    return found if found is not None else _NO_ATTRIBUTES


cdef void _on_start(void* ctx, const xmlChar* name, const xmlChar** atts) noexcept with gil:
    cdef xmlParserCtxt* ctxt = <xmlParserCtxt*>ctx
    cdef _Target target = <_Target>ctxt._private
    if target.error is not None:
        return
    try:
        tag, attributes = _tag(name), _read_attributes(atts) if atts != NULL else _NO_ATTRIBUTES
        if target.segmenter is not None:
            target.segmenter.start(tag, attributes)
        else:
            target.start(tag, attributes)
    except BaseException as exc:
        target.error = exc
        _stop(ctxt)


cdef void _on_end(void* ctx, const xmlChar* name) noexcept with gil:
    cdef xmlParserCtxt* ctxt = <xmlParserCtxt*>ctx
    cdef _Target target = <_Target>ctxt._private
    if target.error is not None:
        return
    try:
        tag = _tag(name)
        if target.segmenter is not None:
            target.segmenter.end(tag)
        else:
            target.end(tag)
    except BaseException as exc:
        target.error = exc
        _stop(ctxt)


cdef void _on_data(void* ctx, const xmlChar* text, int length) noexcept with gil:
    cdef xmlParserCtxt* ctxt = <xmlParserCtxt*>ctx
    cdef _Target target = <_Target>ctxt._private
    if target.error is not None:
        return
    try:
        decoded = PyUnicode_DecodeUTF8(<const char*>text, length, NULL)
        if target.segmenter is not None:  # its `data` is its pending list's append
            target.segmenter.pending.append(decoded)
        else:
            target.data(decoded)
    except BaseException as exc:
        target.error = exc
        _stop(ctxt)


cdef void _ignore_error(void* data, const xmlError* error) noexcept nogil:
    pass


def feed(str html, target, frozenset attributes) -> None:
    """Parse `html` as lxml's ``HTMLParser(target=target, remove_comments=True, remove_pis=True)``
    does with ``feed(html)`` and ``close()`` (but for calling ``target.close()``): the same calls
    of ``target.start(tag, attributes)``, ``target.end(tag)`` and ``target.data(text)``, where
    `attributes` holds only the names in `attributes`. Raises what a callback raised, and
    UnicodeEncodeError for a str that is no Unicode text (a lone surrogate), as lxml does."""
    global _attributes
    if _loaded != 1:
        raise RuntimeError("libxml2 not loaded (load)")
    if attributes != _attributes.wanted:
        _attributes = _Names(attributes)
    cdef _Target callbacks = _Target()
    if type(target) is _Segmenter:
        callbacks.segmenter = target
    else:
        callbacks.start, callbacks.end, callbacks.data = target.start, target.end, target.data
    cdef xmlParserCtxt* ctxt = _create(b"dummy", 5)  # lxml's set-up, step by step
    if ctxt == NULL:
        raise MemoryError()
    cdef xmlSAXHandler* sax = ctxt.sax
    cdef Py_ssize_t start = 0
    cdef bytes chunk
    try:
        sax.startElementNs = NULL
        sax.startElement = _on_start
        sax.endElementNs = NULL
        sax.endElement = _on_end
        sax.characters = sax.cdataBlock = _on_data
        sax.processingInstruction = sax.comment = sax.reference = NULL
        ctxt.replaceEntities = 1
        ctxt._private = <void*>callbacks
        _set_error_handler(ctxt, _ignore_error, NULL)
        if _reset_push(ctxt, NULL, 0, NULL, b"UTF-8"):
            raise MemoryError()
        _use_options(ctxt, OPTIONS)
        while start < len(html) and callbacks.error is None:
            chunk = html[start:start + CHUNK].encode("UTF-8")
            start += CHUNK
            _parse_chunk(ctxt, chunk, len(chunk), 0)
        if callbacks.error is None:
            _parse_chunk(ctxt, NULL, 0, 1)
    finally:
        ctxt._private = NULL
        _free(ctxt)
    if callbacks.error is not None:
        raise callbacks.error
