using System.Runtime.CompilerServices;

namespace Workbook.Products.Classification;

/// <summary>Seeded 32-bit hashing of text spans and hash pairs (FNV-1a over chars, then a murmur3 finaliser).</summary>
internal static class FeatureHashing
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix(uint h)
    {
        h ^= h >> 16; h *= 0x85ebca6b;
        h ^= h >> 13; h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 code in short prediction runs
    public static uint Hash(ReadOnlySpan<char> s, uint seed)
    {
        var h = 2166136261u ^ seed;
        foreach (var c in s) h = (h ^ c) * 16777619u;
        return Mix(h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Combine(uint a, uint b) => Mix(a * 0x9E3779B1u + b + 0x7F4A7C15u);
}
