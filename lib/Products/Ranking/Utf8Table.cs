namespace Workbook.Products.Ranking;

/// <summary>
/// Ordinals of short UTF-8 keys looked up by their bytes and a 64-bit hash of them (open addressing), so a per-row
/// lookup neither decodes nor allocates. Grows with the distinct keys only.
/// </summary>
internal sealed class Utf8Table
{
    private ulong[] _hashes = new ulong[64];
    private byte[]?[] _keys = new byte[64][];
    private int[] _values = new int[64];
    private int _count;

    /// <summary>The value stored for <paramref name="key"/>, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int Find(ReadOnlySpan<byte> key, ulong hash)
    {
        var mask = _keys.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            var k = _keys[i];
            if (k is null) return -1;
            if (_hashes[i] == hash && key.SequenceEqual(k)) return _values[i];
        }
    }

    /// <summary>Stores <paramref name="value"/> (not negative) for a key not yet in the table.</summary>
    public void Add(ReadOnlySpan<byte> key, ulong hash, int value)
    {
        if (2 * (_count + 1) > _keys.Length)
        {
            var (hashes, keys, values) = (_hashes, _keys, _values);
            _hashes = new ulong[keys.Length * 2];
            _keys = new byte[keys.Length * 2][];
            _values = new int[keys.Length * 2];
            _count = 0;
            for (var i = 0; i < keys.Length; i++)
                if (keys[i] is { } k) Add(k, hashes[i], values[i]);
        }
        var mask = _keys.Length - 1;
        var at = (int)hash & mask;
        while (_keys[at] is not null) at = (at + 1) & mask;
        (_hashes[at], _keys[at], _values[at]) = (hash, key.ToArray(), value);
        _count++;
    }
}
