using System.Runtime.InteropServices;
using Cni.Linux.Interop;

namespace Cni.Linux.Exec;

/// <summary>
/// A child started by <see cref="ChildProcess.Start"/> that has not been waited for yet. Its stdin has been
/// written as far as the pipe took it without blocking; the rest (if any) is kept here and written by
/// <see cref="Wait"/>, in the same poll loop that drains stdout and stderr, so a child that fills its output
/// pipe before reading all its input cannot deadlock us. Not thread-safe: one owner waits for it.
/// </summary>
public sealed unsafe class PendingChild : IDisposable
{
    private const int ChunkSize = 16384;

    private readonly int _pid;
    private readonly int _stdoutFd;
    private readonly int _stderrFd;
    private int _stdinFd;
    private readonly byte[] _stdinRest;
    private ChildOutput? _output;

    internal PendingChild(int pid, int stdinFd, ReadOnlySpan<byte> stdin, int stdoutFd, int stderrFd)
    {
        _pid = pid;
        _stdinFd = stdinFd;
        _stdoutFd = stdoutFd;
        _stderrFd = stderrFd;
        int written = WriteWhatFits(stdinFd, stdin, out bool done);
        if (done)
        {
            LibC.close(stdinFd);
            _stdinFd = -1;
        }
        _stdinRest = done ? [] : stdin[written..].ToArray();
    }

    /// <summary>The process id, for logs and tests.</summary>
    public int Pid => _pid;

    /// <summary>
    /// Writes the rest of stdin, reads stdout and stderr to EOF, reaps the child. Returns the same output on
    /// every call after the first.
    /// </summary>
    public ChildOutput Wait()
    {
        if (_output != null) return _output;
        var (stdout, stderr) = Pump();
        int status = 0;
        while (LibC.waitpid(_pid, &status, 0) < 0)
        {
            int e = Marshal.GetLastPInvokeError();
            if (e != Errno.EINTR) Errno.Throw("waitpid", e);
        }
        var exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
        return _output = new ChildOutput(exit, stdout, stderr);
    }

    /// <summary>Waits (discarding the output) if nobody did: the child is reaped and our pipe ends closed.</summary>
    public void Dispose()
    {
        if (_output == null) Wait();
    }

    /// <summary>
    /// Non-blocking writes until all is written (<paramref name="done"/>), the pipe is full, or the child is
    /// gone (EPIPE: it exited or closed stdin without reading; that also counts as done).
    /// </summary>
    private static int WriteWhatFits(int fd, ReadOnlySpan<byte> data, out bool done)
    {
        int written = 0;
        fixed (byte* p = data)
        {
            while (written < data.Length)
            {
                var n = LibC.write(fd, p + written, data.Length - written);
                if (n > 0)
                {
                    written += (int)n;
                    continue;
                }
                int e = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (e == Errno.EINTR) continue;
                done = e != Errno.EAGAIN;
                return written;
            }
        }
        done = true;
        return written;
    }

    /// <summary>
    /// Writes the rest of stdin while draining stdout and stderr, all in one poll loop, until both outputs
    /// reach EOF. A child that exits (or closes stdin) without reading everything is fine: EPIPE just ends the writing.
    /// </summary>
    private (byte[] Stdout, byte[] Stderr) Pump()
    {
        var outputs = new[] { new MemoryStream(), new MemoryStream() };
        var pfds = stackalloc LibC.pollfd[3];
        pfds[0] = new LibC.pollfd { fd = _stdoutFd, events = LibC.POLLIN };
        pfds[1] = new LibC.pollfd { fd = _stderrFd, events = LibC.POLLIN };
        pfds[2] = new LibC.pollfd { fd = _stdinFd, events = LibC.POLLOUT }; // -1 when all was written: poll ignores it
        var buffer = stackalloc byte[ChunkSize];
        int written = 0, open = 2;
        while (open > 0)
        {
            if (LibC.poll(pfds, 3, -1) < 0)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e == Errno.EINTR) continue;
                Errno.Throw("poll", e);
            }
            if (pfds[2].fd >= 0 && pfds[2].revents != 0)
            {
                written += WriteWhatFits(_stdinFd, _stdinRest.AsSpan(written), out bool done);
                if (done) CloseStdin(pfds);
            }
            for (int i = 0; i < 2; i++)
            {
                if (pfds[i].fd < 0 || pfds[i].revents == 0) continue;
                var n = LibC.read(pfds[i].fd, buffer, ChunkSize);
                if (n > 0)
                {
                    outputs[i].Write(new ReadOnlySpan<byte>(buffer, (int)n));
                }
                else if (n == 0 || Marshal.GetLastPInvokeError() != Errno.EINTR)
                {
                    LibC.close(pfds[i].fd);
                    pfds[i].fd = -1;
                    open--;
                }
            }
        }
        if (_stdinFd >= 0) CloseStdin(pfds);
        return (outputs[0].ToArray(), outputs[1].ToArray());
    }

    private void CloseStdin(LibC.pollfd* pfds)
    {
        LibC.close(_stdinFd);
        _stdinFd = -1;
        pfds[2].fd = -1;
    }
}
