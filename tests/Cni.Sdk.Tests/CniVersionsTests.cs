namespace Cni.Sdk.Tests;

public class CniVersionsTests
{
    [Fact]
    public void All_lists_the_seven_versions_in_order()
        => Assert.Equal(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"], CniVersions.All);

    [Theory]
    [InlineData("0.4.0", "0.3.1", 1)]
    [InlineData("0.3.1", "0.4.0", -1)]
    [InlineData("1.0.0", "1.0.0", 0)]
    [InlineData("1", "1.0.0", 0)]
    [InlineData("1.1", "1.1.0", 0)]
    [InlineData("0.10.0", "0.9.0", 1)]
    public void Compare_is_numeric(string a, string b, int sign) => Assert.Equal(sign, Math.Sign(CniVersions.Compare(a, b)));

    [Theory]
    [InlineData("1.0.0.0")]
    [InlineData("")]
    [InlineData("a.b.c")]
    [InlineData("1..0")]
    [InlineData("-1.0.0")]
    public void Compare_refuses_junk_with_code_6(string v)
        => Assert.Equal(CniErrorCode.DecodingFailure, Assert.Throws<CniException>(() => CniVersions.Compare(v, "1.0.0")).Code);

    [Fact]
    public void AtLeast_works()
    {
        Assert.True(CniVersions.AtLeast("1.1.0", "1.1.0"));
        Assert.False(CniVersions.AtLeast("1.0.0", "1.1.0"));
    }
}
