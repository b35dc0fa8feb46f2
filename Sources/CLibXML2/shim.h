// libxml2 for PortcullisSAML. Debian builds libxml2 with ICU; its headers then include ICU's,
// which are not installed with libxml2-dev and are not needed (documents are UTF-8), so the flag
// is cleared before anything else of libxml2 is read.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/c14n.h>

// `xmlFree` is a global function pointer, which Swift 6 sees as shared mutable state; libxml2
// sets it once at start-up, so a call through this wrapper is safe.
static inline void portcullis_xml_free(void *pointer) { xmlFree(pointer); }
