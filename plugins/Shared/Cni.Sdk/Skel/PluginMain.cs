using Microsoft.Win32.SafeHandles;

namespace Cni.Sdk;

/// <summary>The entry point of every plugin binary: <c>return PluginMain.Run(new XPlugin(), "about text");</c></summary>
public static class PluginMain
{
    /// <summary>Runs the dispatcher over the real environment, stdin, stdout and stderr.</summary>
    public static int Run(ICniPlugin plugin, string about)
    {
        var env = new ProcessEnvironment();
        // Raw fds 0 and 1, not System.Console (see StdErr for why).
        using var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        using var stdout = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        int rc = new Dispatcher(Environment.GetEnvironmentVariable, env, stdin, stdout, StdErr.Writer).Run(plugin, about);
        // A FileStream over a seekable fd writes with pwrite at its own position and never moves the shared
        // file offset, so with stdout redirected to a file whatever the parent wrote next overwrote our JSON.
        // Reading SafeFileHandle makes FileStream seek the descriptor to its position (one lseek; none for a pipe).
        _ = stdout.SafeFileHandle;
        return rc;
    }
}
