namespace Workbook.Products;

/// <summary>
/// The slice of NumPy's legacy <c>RandomState</c> (MT19937) that scikit-learn's <c>train_test_split</c> uses:
/// integer seeding and <c>permutation(n)</c>. It exists so the starter's split (seed 112358) is reproduced row for
/// row, not approximated.
/// </summary>
internal sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    public NumpyRandomState(uint seed)
    {
        _mt[0] = seed;
        for (var i = 1; i < N; i++)
            _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        _index = N;
    }

    public uint NextUInt32()
    {
        if (_index >= N)
        {
            for (var k = 0; k < N; k++)
            {
                var y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % N] & 0x7fffffffu);
                _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
            }
            _index = 0;
        }
        var x = _mt[_index++];
        x ^= x >> 11;
        x ^= (x << 7) & 0x9d2c5680u;
        x ^= (x << 15) & 0xefc60000u;
        x ^= x >> 18;
        return x;
    }

    /// <summary>Uniform integer in [0, max] by masked rejection, as NumPy's legacy <c>random_interval</c>.</summary>
    private uint Interval(uint max)
    {
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary><c>RandomState.permutation(n)</c>: Fisher-Yates from the end, as NumPy's legacy shuffle.</summary>
    public int[] Permutation(int n)
    {
        var a = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)Interval((uint)i);
            (a[i], a[j]) = (a[j], a[i]);
        }
        return a;
    }
}
