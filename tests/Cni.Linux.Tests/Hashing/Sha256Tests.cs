using System.Text;
using Cni.Linux.Hashing;

namespace Cni.Linux.Tests.Hashing;

/// <summary>Our managed SHA-256 against the FIPS 180-4 vectors and against the platform's implementation.</summary>
public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void MatchesTheStandardVectors(string input, string expected)
        => Assert.Equal(expected, Sha256.HashHex(Encoding.ASCII.GetBytes(input)));

    [Fact]
    public void MatchesThePlatformForEveryLengthAcrossBlockBoundaries()
    {
        var rng = new Random(1234);
        for (int len = 0; len < 300; len++)
        {
            var data = new byte[len];
            rng.NextBytes(data);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data)), Sha256.HashHex(data));
        }
    }
}
