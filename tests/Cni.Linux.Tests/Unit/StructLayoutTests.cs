using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cni.Linux.Interop;
using Cni.TestKit;

namespace Cni.Linux.Tests.Unit;

/// <summary>
/// Pins every kernel struct to the uapi headers in /usr/include/linux. The numbers are written here from
/// the headers (so a change is visible in review), and, when gcc is present, also compared with what the
/// C compiler computes from the real headers (the Tmds.LibC approach).
/// </summary>
public class StructLayoutTests
{
    // struct name -> size, with the header it comes from.
    private static readonly (string Name, int Size)[] SizeTable =
    [
        ("nlmsghdr", 16),    // linux/netlink.h
        ("nlmsgerr", 20),    // linux/netlink.h: int error + struct nlmsghdr msg
        ("rtattr", 4),       // linux/rtnetlink.h
        ("ifinfomsg", 16),   // linux/rtnetlink.h
        ("ifaddrmsg", 8),    // linux/if_addr.h
        ("rtmsg", 12),       // linux/rtnetlink.h
        ("ndmsg", 12),       // linux/neighbour.h
        ("sockaddr_nl", 12), // linux/netlink.h
        ("statx", 256),      // linux/stat.h
    ];

    public static TheoryData<string, int> Sizes()
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, size) in SizeTable) data.Add(name, size);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SizeMatchesUapiHeader(string name, int expected) => Assert.Equal(expected, SizeOf(name));

    [Fact]
    public void FieldOffsetsMatchUapiHeaders()
    {
        foreach (var (type, field, offset) in Offsets)
            Assert.True(offset == (int)Marshal.OffsetOf(ManagedType(type), field), $"{type}.{field} should be at {offset}");
    }

    /// <summary>Compiles a C program against /usr/include and compares every size and offset it prints.</summary>
    [Fact]
    public void LayoutsMatchTheCCompiler()
    {
        Requires.Binary("/usr/bin/gcc", "compares struct layouts with the real uapi headers");
        var dir = Directory.CreateTempSubdirectory("cni-layout-");
        try
        {
            var lines = new List<string>
            {
                "#include <stdio.h>", "#include <stddef.h>", "#include <linux/netlink.h>", "#include <linux/rtnetlink.h>",
                "#include <linux/if_addr.h>", "#include <linux/neighbour.h>", "#include <linux/stat.h>", "int main(void) {",
            };
            foreach (var (name, _) in SizeTable)
                lines.Add($"printf(\"size {name} %zu\\n\", sizeof(struct {name}));");
            foreach (var (type, field, _) in Offsets)
                lines.Add($"printf(\"offset {type}.{field} %zu\\n\", offsetof(struct {type}, {field}));");
            lines.Add("return 0; }");
            File.WriteAllLines(Path.Combine(dir.FullName, "layout.c"), lines);
            Sh.Run("gcc", "-o", Path.Combine(dir.FullName, "layout"), Path.Combine(dir.FullName, "layout.c")).EnsureSuccess("gcc layout.c");
            var output = Sh.Run(Path.Combine(dir.FullName, "layout")).EnsureSuccess("layout").Stdout;
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                int c = int.Parse(parts[2]);
                if (parts[0] == "size") Assert.True(c == SizeOf(parts[1]), $"sizeof({parts[1]}): C says {c}");
                else
                {
                    var tf = parts[1].Split('.');
                    Assert.True(c == (int)Marshal.OffsetOf(ManagedType(tf[0]), tf[1]), $"offsetof({parts[1]}): C says {c}");
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static readonly (string Type, string Field, int Offset)[] Offsets =
    [
        ("nlmsghdr", "nlmsg_len", 0), ("nlmsghdr", "nlmsg_type", 4), ("nlmsghdr", "nlmsg_flags", 6),
        ("nlmsghdr", "nlmsg_seq", 8), ("nlmsghdr", "nlmsg_pid", 12),
        ("nlmsgerr", "error", 0), ("nlmsgerr", "msg", 4),
        ("rtattr", "rta_len", 0), ("rtattr", "rta_type", 2),
        ("ifinfomsg", "ifi_family", 0), ("ifinfomsg", "ifi_type", 2), ("ifinfomsg", "ifi_index", 4),
        ("ifinfomsg", "ifi_flags", 8), ("ifinfomsg", "ifi_change", 12),
        ("ifaddrmsg", "ifa_family", 0), ("ifaddrmsg", "ifa_prefixlen", 1), ("ifaddrmsg", "ifa_flags", 2),
        ("ifaddrmsg", "ifa_scope", 3), ("ifaddrmsg", "ifa_index", 4),
        ("rtmsg", "rtm_family", 0), ("rtmsg", "rtm_dst_len", 1), ("rtmsg", "rtm_table", 4), ("rtmsg", "rtm_protocol", 5),
        ("rtmsg", "rtm_scope", 6), ("rtmsg", "rtm_type", 7), ("rtmsg", "rtm_flags", 8),
        ("ndmsg", "ndm_family", 0), ("ndmsg", "ndm_ifindex", 4), ("ndmsg", "ndm_state", 8), ("ndmsg", "ndm_flags", 10),
        ("ndmsg", "ndm_type", 11),
        ("sockaddr_nl", "nl_family", 0), ("sockaddr_nl", "nl_pid", 4), ("sockaddr_nl", "nl_groups", 8),
        ("statx", "stx_mask", 0), ("statx", "stx_mode", 28), ("statx", "stx_ino", 32),
        ("statx", "stx_dev_major", 136), ("statx", "stx_dev_minor", 140),
    ];

    private static Type ManagedType(string name) => name switch
    {
        "nlmsghdr" => typeof(nlmsghdr), "nlmsgerr" => typeof(nlmsgerr), "rtattr" => typeof(rtattr),
        "ifinfomsg" => typeof(ifinfomsg), "ifaddrmsg" => typeof(ifaddrmsg), "rtmsg" => typeof(rtmsg),
        "ndmsg" => typeof(ndmsg), "sockaddr_nl" => typeof(sockaddr_nl), "statx" => typeof(statx),
        _ => throw new ArgumentException(name),
    };

    private static int SizeOf(string name) => name switch
    {
        "nlmsghdr" => Unsafe.SizeOf<nlmsghdr>(), "nlmsgerr" => Unsafe.SizeOf<nlmsgerr>(), "rtattr" => Unsafe.SizeOf<rtattr>(),
        "ifinfomsg" => Unsafe.SizeOf<ifinfomsg>(), "ifaddrmsg" => Unsafe.SizeOf<ifaddrmsg>(), "rtmsg" => Unsafe.SizeOf<rtmsg>(),
        "ndmsg" => Unsafe.SizeOf<ndmsg>(), "sockaddr_nl" => Unsafe.SizeOf<sockaddr_nl>(), "statx" => Unsafe.SizeOf<statx>(),
        _ => throw new ArgumentException(name),
    };
}
