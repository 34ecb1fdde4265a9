using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Cni.Sdk;

/// <summary>
/// The plugin's stderr (free-form logs for the runtime), created on first use. Not Console.Error: initialising
/// System.Console starts a signal-handling thread and terminal probing that a plugin never needs, and that showed
/// up in every invocation's start-up cost.
/// </summary>
public static class StdErr
{
    private static TextWriter? s_writer;

    public static TextWriter Writer => s_writer ??= new StreamWriter(
        new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, bufferSize: 0),
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
}
