namespace Cni.Linux.Netns;

/// <summary>A namespace path that cannot be used: not a network namespace, or not openable.</summary>
public class NetNsException : LinuxException
{
    public NetNsException(string operation, int errno, string? detail = null) : base(operation, errno, detail) { }
}

/// <summary>
/// The namespace path does not exist. CNI DEL treats this as success (the container is already gone), so it
/// is a distinct type rather than an errno to compare.
/// </summary>
public sealed class NetNsNotFoundException : NetNsException
{
    public NetNsNotFoundException(string path, int errno) : base("open netns " + path, errno) => Path = path;

    public string Path { get; }
}
