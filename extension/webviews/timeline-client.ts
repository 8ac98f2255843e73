/**
 * The exit timeline's page script (bundled for the browser into
 * dist/timeline-client.js; chart.js comes from dist/chart.umd.js). It only
 * fills chart data and textContent: nothing it receives becomes markup.
 */
import type { TimelineData } from "./timeline-model";

interface ChartInstance {
  data: { labels: string[]; datasets: { label: string; data: number[]; backgroundColor: string }[] };
  update(mode?: string): void;
}
declare const Chart: { new (canvas: unknown, config: unknown): ChartInstance; defaults: { color: string; borderColor: string } };
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
// The project type-checks without the DOM library; these few browser globals are all the page uses.
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string>;
}
declare const document: { getElementById(id: string): unknown; body: PageElement };
declare const window: { addEventListener(type: "message", listener: (event: { data: IncomingMessage }) => void): void };
declare function getComputedStyle(element: PageElement): { getPropertyValue(name: string): string };

interface IncomingMessage {
  type: string;
  data?: TimelineData;
  message?: string;
}

const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

const vscodeApi = acquireVsCodeApi();
const canvas = document.getElementById("timeline");
const summary = document.getElementById("summary") as PageElement;
let chart: ChartInstance | undefined;

function datasets(data: TimelineData) {
  return data.datasets.map((d, i) => ({ label: d.reason, data: d.counts, backgroundColor: palette[i % palette.length] }));
}

function render(data: TimelineData): void {
  summary.textContent = data.total
    ? `${data.total} exits in the log, guest instructions ${data.from} to ${data.to}, ${data.datasets.length} reasons`
    : "No VM exits in the log yet.";
  document.body.dataset.total = String(data.total);
  if (!chart) {
    const style = getComputedStyle(document.body);
    Chart.defaults.color = style.getPropertyValue("--vscode-foreground").trim() || "#ccc";
    Chart.defaults.borderColor = style.getPropertyValue("--vscode-panel-border").trim() || "#8884";
    chart = new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets(data) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, title: { display: true, text: "guest time (instructions retired)" } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "exits" } },
        },
      },
    });
  } else {
    chart.data.labels = data.labels;
    chart.data.datasets = datasets(data);
    chart.update("none");
  }
}

window.addEventListener("message", (event) => {
  const message = event.data;
  if (message.type === "data" && message.data) render(message.data);
  else if (message.type === "error") summary.textContent = message.message ?? "error";
});
vscodeApi.postMessage({ type: "ready" });
