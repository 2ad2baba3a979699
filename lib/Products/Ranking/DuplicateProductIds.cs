using System.Runtime.InteropServices;

namespace Workbook.Products.Ranking;

/// <summary>
/// Repeated <c>product_id</c> rows: the first copy (lowest line) is kept and every later copy is a rejected row naming
/// the first, in both readers (<see cref="ProductScoringLoader"/> and <see cref="StreamingRanker"/>), so a product is
/// ranked once. The streaming ranker cannot hold 10 million ids, so it keeps an 8-byte hash per row, finds the hashes
/// seen twice, and compares only those rows' real ids: a hash collision between two different ids costs a look, never a
/// wrong rejection.
/// </summary>
internal static class DuplicateProductIds
{
    public static string Reason(string id, long firstLine) => $"duplicate id {id} (the copy on line {firstLine} is kept)";

    /// <summary>The id as compared: surrounding spaces do not make a different product.</summary>
    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> id) => id.Trim((byte)' ');

    /// <summary>64-bit FNV-1a of the trimmed id, finished with a mixer so near-identical ids spread.</summary>
    public static ulong Hash(ReadOnlySpan<byte> id)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var b in Key(id)) h = (h ^ b) * 0x100000001B3UL;
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33;
        return h;
    }

    /// <summary>Hashes that occur more than once across the workers' lists (each list is sorted here, in place).</summary>
    public static HashSet<ulong> Repeated(IReadOnlyList<List<ulong>> perWorker)
    {
        Parallel.ForEach(perWorker, list => CollectionsMarshal.AsSpan(list).Sort());
        var repeated = new HashSet<ulong>();
        var at = new int[perWorker.Count];
        ulong? previous = null;
        while (true)
        {
            var best = -1;
            for (var k = 0; k < perWorker.Count; k++)
                if (at[k] < perWorker[k].Count && (best < 0 || perWorker[k][at[k]] < perWorker[best][at[best]])) best = k;
            if (best < 0) return repeated;
            var h = perWorker[best][at[best]++];
            if (h == previous) repeated.Add(h);
            previous = h;
        }
    }

    /// <summary>For rows whose hash repeats: each later copy of an exact id, mapped to the line of its first copy.</summary>
    public static Dictionary<long, long> LaterCopies(IEnumerable<(long Line, string Id)> candidates)
    {
        var later = new Dictionary<long, long>();
        foreach (var group in candidates.GroupBy(c => c.Id, StringComparer.Ordinal))
        {
            var lines = group.Select(c => c.Line).Order().ToList();
            foreach (var line in lines.Skip(1)) later[line] = lines[0];
        }
        return later;
    }
}
