using Cni.Linux.FileSystem;

namespace Cni.Linux.Tests.FileSystem;

/// <summary>Symlink records in a temp directory, read back with .NET's own link APIs.</summary>
public sealed class SymlinkRecordTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cni-symrec-").FullName;
    private readonly string _tmp;

    public SymlinkRecordTests() => _tmp = Directory.CreateDirectory(Path.Combine(_dir, "tmp")).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_is_exclusive_and_read_returns_the_value_unfollowed()
    {
        var path = Path.Combine(_dir, "k");
        Assert.False(SymlinkRecord.TryRead(path, out _));
        Assert.True(SymlinkRecord.TryCreate(path, "10.9.0.2,fd00::2"));
        Assert.False(SymlinkRecord.TryCreate(path, "other")); // EEXIST: the first value stays
        Assert.True(SymlinkRecord.TryRead(path, out var value));
        Assert.Equal("10.9.0.2,fd00::2", value);
        Assert.Equal("10.9.0.2,fd00::2", new FileInfo(path).LinkTarget);
        Assert.ThrowsAny<IOException>(() => File.ReadAllText(path)); // dangling on purpose: the value is not a path
    }

    [Fact]
    public void Replace_swaps_the_value_atomically_and_leaves_no_temporary_name()
    {
        var path = Path.Combine(_dir, "k");
        SymlinkRecord.Replace(path, "a", _tmp); // absent: plain create
        SymlinkRecord.Replace(path, "a,b", _tmp);
        Assert.True(SymlinkRecord.TryRead(path, out var value));
        Assert.Equal("a,b", value);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_tmp));
        Assert.True(SymlinkRecord.Delete(path));
        Assert.False(SymlinkRecord.Delete(path));
        Assert.False(SymlinkRecord.TryRead(path, out _));
    }

    [Fact]
    public void A_directory_or_file_in_its_place_is_not_a_record()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "d")).FullName;
        var file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "10.9.0.2");
        Assert.False(SymlinkRecord.TryRead(dir, out _));
        Assert.False(SymlinkRecord.TryRead(file, out _));
        Assert.False(SymlinkRecord.TryRead(Path.Combine(file, "below-a-file"), out _)); // ENOTDIR
    }

    [Fact]
    public void Empty_NUL_or_oversized_values_are_refused()
    {
        var path = Path.Combine(_dir, "k");
        Assert.Throws<ArgumentException>(() => SymlinkRecord.TryCreate(path, ""));
        Assert.Throws<ArgumentException>(() => SymlinkRecord.TryCreate(path, "a\0b"));
        Assert.Throws<ArgumentException>(() => SymlinkRecord.TryCreate(path, new string('x', SymlinkRecord.MaxValueBytes + 1)));
        var longest = new string('x', SymlinkRecord.MaxValueBytes);
        Assert.True(SymlinkRecord.TryCreate(path, longest));
        Assert.True(SymlinkRecord.TryRead(path, out var value));
        Assert.Equal(longest, value);
    }
}
