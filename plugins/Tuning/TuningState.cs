using System.Text.Json.Serialization;

namespace Cni.Plugins.Tuning;

/// <summary>
/// What ADD found before changing anything, saved as <c>&lt;dataDir&gt;/&lt;containerID&gt;_&lt;ifname&gt;.json</c> so DEL can put it
/// back. The link keys (<c>mac</c>, <c>promisc</c>, <c>mtu</c>, <c>allmulti</c>, <c>txQLen</c>) have the reference's names
/// and meaning, so either implementation can restore the other's file; a key is present only when ADD changed
/// that attribute. The rest is ours: the old sysctl values (the reference restores none) and who the file
/// belongs to, because file names are not per network and GC must only touch its own network's files.
/// </summary>
public sealed class TuningState
{
    [JsonPropertyName("mac")] public string? Mac { get; set; }
    [JsonPropertyName("promisc")] public bool? Promisc { get; set; }
    [JsonPropertyName("mtu")] public int? Mtu { get; set; }
    [JsonPropertyName("allmulti")] public bool? Allmulti { get; set; }
    [JsonPropertyName("txQLen")] public int? TxQLen { get; set; }

    [JsonPropertyName("network")] public string? Network { get; set; }
    [JsonPropertyName("containerID")] public string? ContainerId { get; set; }
    [JsonPropertyName("ifname")] public string? IfName { get; set; }
    /// <summary>In the order ADD wrote them; DEL restores them newest first.</summary>
    [JsonPropertyName("sysctl")] public List<SavedSysctl>? Sysctls { get; set; }

    /// <summary>
    /// A repeated ADD (no DEL in between) must not record its own earlier changes as the originals: values
    /// already saved in <paramref name="older"/> win, new keys are added.
    /// </summary>
    public TuningState MergeOver(TuningState? older)
    {
        if (older is null) return this;
        var sysctls = new List<SavedSysctl>(older.Sysctls ?? []);
        foreach (var s in Sysctls ?? [])
            if (!sysctls.Any(o => o.Path == s.Path)) sysctls.Add(s);
        return new TuningState
        {
            Mac = string.IsNullOrEmpty(older.Mac) ? Mac : older.Mac,
            Promisc = older.Promisc ?? Promisc,
            Mtu = older.Mtu is > 0 ? older.Mtu : Mtu,
            Allmulti = older.Allmulti ?? Allmulti,
            TxQLen = older.TxQLen ?? TxQLen,
            Network = Network, ContainerId = ContainerId, IfName = IfName,
            Sysctls = sysctls,
        };
    }
}

/// <summary>One sysctl's value before ADD wrote it; <see cref="Path"/> is relative to /proc/sys, slash form.</summary>
public sealed class SavedSysctl
{
    [JsonPropertyName("path")] public string Path { get; set; } = "";
    [JsonPropertyName("value")] public string Value { get; set; } = "";
}
