using System.Text;
using Cni.Linux.Net;
using Cni.Linux.Nftables;

namespace Cni.Linux.Firewall;

/// <summary>
/// Turns `conditionsV4`/`conditionsV6` written in nft syntax into match expressions. We speak netlink, not
/// the nft language, so only the matches people use to scope published ports are understood:
/// `ip|ip6 saddr|daddr [!=] ADDR[/LEN]`, `[meta] iifname|oifname [!=] NAME`. Anything else is refused with
/// an <see cref="ArgumentException"/> naming the token (the plugin reports it as invalid config) rather than
/// being silently dropped. Unlike the reference, conditions apply to this attachment's rules only.
/// </summary>
internal static class PortmapNftConditions
{
    private const int IfNameSize = 16;

    public static List<NftExpression> Parse(IReadOnlyList<string> conditions, bool ipv4)
    {
        var tokens = conditions.SelectMany(c => c.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToList();
        var e = new List<NftExpression>();
        int i = 0;
        while (i < tokens.Count)
        {
            string t = tokens[i++];
            if (t == "meta" && i < tokens.Count && tokens[i] is "iifname" or "oifname") t = tokens[i++];
            switch (t)
            {
                case "ip" or "ip6":
                    if ((t == "ip") != ipv4) throw Bad($"\"{t}\" match in conditions{(ipv4 ? "V4" : "V6")}");
                    string field = Next(tokens, ref i, t);
                    if (field is not ("saddr" or "daddr")) throw Bad($"\"{t} {field}\" (only saddr and daddr are supported)");
                    var (op, value) = OpAndValue(tokens, ref i, $"{t} {field}");
                    if (!Cidr.TryParse(value.Contains('/') ? value : value + (ipv4 ? "/32" : "/128"), out var prefix) || prefix.IsIPv4 != ipv4)
                        throw Bad($"address \"{value}\" after \"{t} {field}\"");
                    bool v4 = prefix.IsIPv4;
                    PortmapNftRules.AddPrefixMatch(e, field == "saddr" ? PortmapNftRules.SaddrOffset(v4) : PortmapNftRules.DaddrOffset(v4), prefix, op);
                    break;
                case "iifname" or "oifname":
                    var (nameOp, name) = OpAndValue(tokens, ref i, t);
                    name = name.Trim('"');
                    if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) >= IfNameSize || name.Contains('*'))
                        throw Bad($"interface name \"{name}\" (wildcards are not supported)");
                    var padded = new byte[IfNameSize];
                    Encoding.UTF8.GetBytes(name, padded);
                    e.Add(new MetaExpression(t == "iifname" ? NftMetaKey.IifName : NftMetaKey.OifName));
                    e.Add(new CmpExpression(nameOp, padded));
                    break;
                default:
                    throw Bad($"\"{t}\"");
            }
        }
        return e;
    }

    private static (NftCmpOp Op, string Value) OpAndValue(List<string> tokens, ref int i, string after)
    {
        string v = Next(tokens, ref i, after);
        if (v == "!=") return (NftCmpOp.Neq, Next(tokens, ref i, after + " !="));
        if (v == "==") return (NftCmpOp.Eq, Next(tokens, ref i, after + " =="));
        return (NftCmpOp.Eq, v);
    }

    private static string Next(List<string> tokens, ref int i, string after)
        => i < tokens.Count ? tokens[i++] : throw Bad($"nothing after \"{after}\"");

    private static ArgumentException Bad(string what)
        => new($"portmap nftables conditions: unsupported {what}; supported: ip|ip6 saddr|daddr [!=] ADDR[/LEN], iifname|oifname [!=] NAME");
}
