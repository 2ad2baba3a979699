namespace Workbook.Products;

/// <summary>
/// The label hierarchy from <c>label_info.csv</c>: any depth, one parent per label, level-1 labels hang off the
/// virtual root (parent id 10000 in the original, or any id that is not a row). Labels are addressed by a dense
/// index 0..Count-1 in file order, which is what models and metrics use.
/// </summary>
public sealed class LabelTree
{
    /// <summary>The parent tag id that marks a level-1 label in the original files.</summary>
    public const long RootTagId = 10000;

    private readonly string[] _names;
    private readonly long[] _tagIds;
    private readonly int[] _parents;
    private readonly int[] _levels;
    private readonly int[][] _children;
    private readonly int[] _roots;
    private readonly Dictionary<string, int> _byName;

    /// <summary>Number of labels (all levels).</summary>
    public int Count => _names.Length;

    /// <summary>Deepest level (1 = only top-level labels).</summary>
    public int Depth { get; }

    /// <summary>Level-1 labels.</summary>
    public IReadOnlyList<int> Roots => _roots;

    public string Name(int label) => _names[label];
    public long TagId(int label) => _tagIds[label];

    /// <summary>Parent index, or -1 for a level-1 label.</summary>
    public int Parent(int label) => _parents[label];

    /// <summary>1 for top-level labels, computed from the parent chain (the file's level column is checked against it).</summary>
    public int Level(int label) => _levels[label];

    public IReadOnlyList<int> Children(int label) => _children[label];

    public bool TryGetIndex(string name, out int label) => _byName.TryGetValue(name, out label);

    public int IndexOf(string name) =>
        _byName.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"Label '{name}' is not in the label tree.");

    /// <summary>The label's ancestors, nearest first (excluding the label itself).</summary>
    public IEnumerable<int> Ancestors(int label)
    {
        for (var p = _parents[label]; p >= 0; p = _parents[p])
            yield return p;
    }

    /// <summary>The set extended with every ancestor of its members (Kiritchenko's extension).</summary>
    public HashSet<int> Closure(IEnumerable<int> labels)
    {
        var set = new HashSet<int>();
        foreach (var l in labels)
            for (var p = l; p >= 0 && set.Add(p); p = _parents[p]) { }
        return set;
    }

    /// <summary>Labels of one level, in index order.</summary>
    public IReadOnlyList<int> AtLevel(int level) => Enumerable.Range(0, Count).Where(i => _levels[i] == level).ToList();

    /// <summary>A row of label_info.csv; <see cref="Line"/> is the 1-based file line, used in error messages.</summary>
    internal sealed record Row(long TagId, string Name, int Level, long ParentTagId, int Line);

    /// <summary>Builds and checks a tree. Unknown parent, cycle, duplicate name or id, or a wrong level: an error naming the file and line.</summary>
    internal static LabelTree FromRows(IReadOnlyList<Row> rows, string source = "label_info.csv") => new(rows, source);

    /// <summary>Reads <c>tag_id,name,level,parent_tag_id</c>.</summary>
    public static LabelTree Load(string path)
    {
        Workbook.Reports.DataLineage.Record(path);
        var rows = new List<Row>();
        using var csv = CsvHelper.CsvReader.FromFile(path, new CsvHelper.CsvReaderOptions { TrackLineNumbers = true });
        var header = csv.Headers.ToArray();
        var columns = new[] { "tag_id", "name", "level", "parent_tag_id" }.Select(c =>
        {
            var i = Array.IndexOf(header, c);
            return i >= 0 ? i : throw new InvalidDataException($"{path}: header lacks column '{c}' (expected tag_id,name,level,parent_tag_id).");
        }).ToArray();
        while (csv.Read())
        {
            var line = (int)csv.LineNumber;
            rows.Add(new Row(
                ParseLong(csv.GetString(columns[0]), path, line, "tag_id"),
                csv.GetString(columns[1]).Trim(),
                (int)ParseLong(csv.GetString(columns[2]), path, line, "level"),
                ParseLong(csv.GetString(columns[3]), path, line, "parent_tag_id"),
                line));
        }
        return new LabelTree(rows, path);
    }

    private static long ParseLong(string? s, string path, int line, string field) =>
        long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{path}, line {line}, field '{field}': '{s}' is not an integer.");

    private LabelTree(IReadOnlyList<Row> rows, string source)
    {
        var n = rows.Count;
        _names = new string[n];
        _tagIds = new long[n];
        _parents = new int[n];
        _levels = new int[n];
        _byName = new Dictionary<string, int>(n, StringComparer.Ordinal);
        var byTag = new Dictionary<long, int>(n);
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            if (string.IsNullOrWhiteSpace(r.Name))
                throw new InvalidDataException($"{source}, line {r.Line}, field 'name': empty label name.");
            if (!_byName.TryAdd(r.Name, i))
                throw new InvalidDataException($"{source}, line {r.Line}, field 'name': duplicate label name '{r.Name}' (first on line {rows[_byName[r.Name]].Line}).");
            if (!byTag.TryAdd(r.TagId, i))
                throw new InvalidDataException($"{source}, line {r.Line}, field 'tag_id': duplicate tag id {r.TagId}.");
            _names[i] = r.Name;
            _tagIds[i] = r.TagId;
        }
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            if (r.ParentTagId == RootTagId || (r.Level == 1 && !byTag.ContainsKey(r.ParentTagId)))
                _parents[i] = -1;
            else if (byTag.TryGetValue(r.ParentTagId, out var p))
                _parents[i] = p;
            else
                throw new InvalidDataException($"{source}, line {r.Line}, field 'parent_tag_id': unknown parent {r.ParentTagId} of label '{r.Name}'.");
        }
        // Levels from the parent chain; a chain longer than n means a cycle.
        for (var i = 0; i < n; i++)
        {
            var depth = 1;
            for (var p = _parents[i]; p >= 0; p = _parents[p])
                if (++depth > n)
                    throw new InvalidDataException($"{source}, line {rows[i].Line}: label '{rows[i].Name}' is in a parent cycle.");
            _levels[i] = depth;
            if (rows[i].Level != depth)
                throw new InvalidDataException($"{source}, line {rows[i].Line}, field 'level': label '{rows[i].Name}' says level {rows[i].Level} but its parent chain gives {depth}.");
        }
        var children = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var roots = new List<int>();
        for (var i = 0; i < n; i++)
            (_parents[i] < 0 ? roots : children[_parents[i]]).Add(i);
        _children = children.Select(c => c.ToArray()).ToArray();
        _roots = roots.ToArray();
        Depth = n == 0 ? 0 : _levels.Max();
    }
}
