# Types for compiling html.py with Cython (hatch_build.py): the segmenter as an extension type,
# so that its parser callbacks reach its fields without dictionary lookups, and blocks/_libxml2.pyx
# calls them (and adds to `pending`) without Python's calling convention. html.py stays the
# one source; where it is not compiled, this file is not read.

cdef class _Segmenter:
    cdef public object data  # the parser target's text callback
    cdef list blocks, parts, pending, bits_stack, block_stack, open_ids, outer_places, numbering, grids, raw, links
    cdef object block_bits, href
    cdef str language
    cdef object place  # a Layout (a tuple subclass)
    cdef Py_ssize_t link_chars, links_open, next_id, hidden_depth, fallbacks_open, link_start
    cdef bint at_tag_edge
    cpdef start(self, str tag, attributes)
    cpdef end(self, str tag)
    cpdef add_pending(self)
    cpdef open_layout(self, str tag, attributes)
    cpdef close_layout(self, str tag)
    cpdef str path(self)
    cpdef flush(self)
