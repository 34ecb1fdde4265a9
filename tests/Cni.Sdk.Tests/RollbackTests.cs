namespace Cni.Sdk.Tests;

public class RollbackTests
{
    [Fact]
    public void Undoes_in_reverse_order_when_not_committed()
    {
        var log = new List<string>();
        using (var rb = new Rollback(TextWriter.Null))
        {
            rb.Add("ipam", () => log.Add("ipam"));
            rb.Add("link", () => log.Add("link"));
            rb.Add("route", () => log.Add("route"));
        }
        Assert.Equal(["route", "link", "ipam"], log);
    }

    [Fact]
    public void Commit_keeps_everything()
    {
        var log = new List<string>();
        using (var rb = new Rollback(TextWriter.Null))
        {
            rb.Add("ipam", () => log.Add("ipam"));
            rb.Commit();
        }
        Assert.Empty(log);
    }

    [Fact]
    public void A_failing_undo_is_logged_and_the_rest_still_run()
    {
        var log = new List<string>();
        var stderr = new StringWriter();
        using (var rb = new Rollback(stderr))
        {
            rb.Add("first", () => log.Add("first"));
            rb.Add("broken", () => throw new InvalidOperationException("kaputt"));
            rb.Add("last", () => log.Add("last"));
        }
        Assert.Equal(["last", "first"], log);
        Assert.Contains("broken", stderr.ToString());
        Assert.Contains("kaputt", stderr.ToString());
    }

    [Fact]
    public void Runs_when_an_exception_unwinds()
    {
        var log = new List<string>();
        void FailingAdd()
        {
            using var rb = new Rollback(TextWriter.Null);
            rb.Add("ipam", () => log.Add("ipam"));
            throw new IOException("step failed");
        }
        Assert.Throws<IOException>(FailingAdd);
        Assert.Equal(["ipam"], log);
    }

    [Fact]
    public void Dispose_twice_runs_once()
    {
        int n = 0;
        var rb = new Rollback(TextWriter.Null);
        rb.Add("x", () => n++);
        rb.Dispose();
        rb.Dispose();
        Assert.Equal(1, n);
    }
}
