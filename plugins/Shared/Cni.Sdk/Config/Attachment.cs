namespace Cni.Sdk;

/// <summary>One still-valid attachment in a GC request (<c>{"containerID","ifname"}</c>).</summary>
public readonly record struct Attachment(string ContainerId, string IfName);
