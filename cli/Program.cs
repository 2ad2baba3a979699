using System.CommandLine;
using System.Reflection;
using Workbook.Cli;

var modules = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(ICliModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .OrderBy(t => t.Name, StringComparer.Ordinal)
    .Select(t => (ICliModule)Activator.CreateInstance(t)!)
    .ToList();

var root = new RootCommand("Workbook: product classification and ranking, search-log cleaning and enrichment, AutoML.");
foreach (var module in modules)
    foreach (var command in module.Commands())
        root.Subcommands.Add(command);

var bench = new Command("bench", "Benchmarks that run the workbook side by side with its peers (use -c Release).");
foreach (var module in modules)
    foreach (var command in module.Benchmarks())
        bench.Subcommands.Add(command);
var record = BenchRecording.Option();
bench.Options.Add(record);
if (bench.Subcommands.Count > 0)
    root.Subcommands.Add(bench);

return await BenchRecording.InvokeAsync(root.Parse(args), record, bench, args);
