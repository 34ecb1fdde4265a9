/*
 * An ELF note that says "this binary is our plugin NAME, in-process protocol VERSION".
 *
 * Why: a plugin delegates IPAM by executing the binary its config names (CNI_PATH/host-local), and a .NET
 * process start is most of what a host-local call costs. When that binary is our own host-local of the same
 * protocol version, a plugin that links the same code runs it in-process instead (Cni.Sdk InProcessIpam):
 * same stdin bytes, same environment, same result or error bytes, same lease files. Anything else in
 * CNI_PATH under that name (the reference plugin, a wrapper script, another version of ours) is executed as
 * before. Reading the note costs one pread of the file's first page, where the linker puts PT_NOTE.
 *
 * Built per binary by cmd/Directory.Build.props with CNI_IDENT_NAME (the binary's name) and
 * CNI_IDENT_VERSION (bumped whenever in-process and executed runs could differ), which must match
 * InProcessIpam.ProtocolVersion; tests/Cni.Plugins.Tests/InProcessIpamTests.cs checks the published binaries.
 */
#include <stdint.h>

#define CNI_STR2(x) #x
#define CNI_STR(x) CNI_STR2(x)
#define CNI_IDENT_DESC CNI_IDENT_NAME " " CNI_STR(CNI_IDENT_VERSION)

/* Elf64_Nhdr followed by the owner name and the description, each padded to 4 bytes. */
struct cni_ident_note
{
    uint32_t namesz, descsz, type;
    char name[8];
    char desc[(sizeof(CNI_IDENT_DESC) + 3) & ~3u];
};

__attribute__((section(".note.cni-sharp"), aligned(4), used)) static const struct cni_ident_note cni_ident = {
    .namesz = 5, /* "CNI#" and its NUL */
    .descsz = sizeof(CNI_IDENT_DESC),
    .type = 0x434e4931, /* "CNI1" */
    .name = "CNI#",
    .desc = CNI_IDENT_DESC,
};
