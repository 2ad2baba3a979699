using System.Text;

namespace Workbook.Dag;

/// <summary>A validated DAG of tasks: unique names, known dependencies, no cycles.</summary>
public sealed class TaskGraph
{
    /// <summary>The tasks in a topological order (dependencies first, ties in the order given).</summary>
    internal IReadOnlyList<DagTask> Tasks { get; }

    internal TaskGraph(IEnumerable<DagTask> tasks)
    {
        var list = tasks.ToList();
        var byName = new Dictionary<string, DagTask>(StringComparer.Ordinal);
        foreach (var t in list)
            if (!byName.TryAdd(t.Name, t))
                throw new ArgumentException($"Task '{t.Name}' is defined twice.");
        foreach (var t in list)
            foreach (var d in t.DependsOn)
                if (!byName.ContainsKey(d))
                    throw new ArgumentException($"Task '{t.Name}' depends on unknown task '{d}'.");

        var order = new List<DagTask>();
        var state = new Dictionary<string, int>(); // 1 = visiting, 2 = done
        void Visit(DagTask t, Stack<string> path)
        {
            if (state.TryGetValue(t.Name, out var s))
            {
                if (s == 1) throw new ArgumentException($"Cycle in the task graph: {string.Join(" -> ", path.Reverse().SkipWhile(n => n != t.Name))} -> {t.Name}");
                return;
            }
            state[t.Name] = 1;
            path.Push(t.Name);
            foreach (var d in t.DependsOn) Visit(byName[d], path);
            path.Pop();
            state[t.Name] = 2;
            order.Add(t);
        }
        foreach (var t in list) Visit(t, new Stack<string>());
        Tasks = order;
    }

    /// <summary>Tasks grouped by depth: every task of a level can run once the levels before it are done.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Levels()
    {
        var depth = new Dictionary<string, int>();
        foreach (var t in Tasks)
            depth[t.Name] = t.DependsOn.Count == 0 ? 0 : t.DependsOn.Max(d => depth[d]) + 1;
        return depth.GroupBy(kv => kv.Value).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<string>)g.Select(kv => kv.Key).ToList()).ToList();
    }

    /// <summary>A text drawing: one line per task with its level and dependencies.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        var levels = Levels();
        for (var i = 0; i < levels.Count; i++)
        {
            sb.AppendLine($"level {i}{(levels[i].Count > 1 ? " (run concurrently)" : "")}:");
            foreach (var name in levels[i])
            {
                var t = Tasks.First(x => x.Name == name);
                var deps = t.DependsOn.Count == 0 ? "" : $"  <- {string.Join(", ", t.DependsOn)}";
                sb.AppendLine($"  {t.Name,-20}{deps}");
                sb.AppendLine($"  {"",-20}  {t.Description}");
            }
        }
        return sb.ToString();
    }
}
