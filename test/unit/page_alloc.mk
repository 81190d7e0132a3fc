UNIT_TESTS += page_alloc
page_alloc_SRCS := test/unit/test_page_alloc.c kernel/page_alloc.c kernel/dma.c test/unit/host_support.c
