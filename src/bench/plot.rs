//! `--plot FILE.svg`: the table as two charts, drawn with `plotters` to SVG. On the left,
//! deliveries per second against the class size, one line per server, a bar from the
//! lowest to the highest run; on the right, latency against the class size: the median
//! (p50, solid) and p99 (dashed) of each server, on a logarithmic scale, since a 40 ms
//! delayed ACK and a 0.1 ms loopback hop belong on one chart.

use super::report::Summary;
use plotters::prelude::*;
use std::path::Path;

/// The picture's size in pixels.
const SIZE: (u32, u32) = (1200, 500);

/// Draws the charts for `summaries` into `path`.
pub(crate) fn draw(path: &Path, summaries: &[Summary], labels: &[String]) -> Result<(), String> {
    draw_charts(path, summaries, labels).map_err(|e| {
        crate::tr!(
            "bench-cannot-draw",
            file = path.display().to_string(),
            error = e.to_string()
        )
    })
}

fn draw_charts(
    path: &Path,
    summaries: &[Summary],
    labels: &[String],
) -> Result<(), Box<dyn std::error::Error>> {
    let measured: Vec<&Summary> = summaries.iter().filter(|s| s.measured > 0).collect();
    let clients: Vec<f64> = measured.iter().map(|s| s.clients as f64).collect();
    let (low, high) = clients
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &c| (lo.min(c), hi.max(c)));
    if measured.is_empty() {
        return Err(crate::tr!("bench-nothing-measured").into());
    }
    // Room on both sides of the class sizes, on a logarithmic axis.
    let x_range = (low / 1.5)..(high * 1.5);
    let top = measured
        .iter()
        .filter_map(|s| s.per_second.map(|p| p.max))
        .fold(1.0, f64::max)
        * 1.1;
    let latencies: Vec<f64> = measured
        .iter()
        .flat_map(|s| [s.latency_ms.p50, s.latency_ms.p99])
        .flatten()
        .flat_map(|p| [p.min, p.max])
        .filter(|&v| v > 0.0)
        .collect();
    let lat_low = latencies.iter().copied().fold(f64::MAX, f64::min).min(1.0) / 2.0;
    let lat_high = latencies.iter().copied().fold(0.0, f64::max).max(1.0) * 2.0;

    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(SIZE.0 / 2);

    let mut chart = ChartBuilder::on(&left)
        .caption(crate::tr!("bench-plot-rate"), ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range.clone().log_scale(), 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc(crate::tr!("bench-plot-clients"))
        .light_line_style(TRANSPARENT)
        .y_label_formatter(&|v| super::table::rate(*v))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    for (i, label) in labels.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let mine: Vec<&&Summary> = measured.iter().filter(|s| s.server == i).collect();
        let points: Vec<(f64, f64)> = mine
            .iter()
            .filter_map(|s| Some((s.clients as f64, s.per_second?.median)))
            .collect();
        if points.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
        chart.draw_series(mine.iter().filter_map(|s| {
            let p = s.per_second?;
            Some(ErrorBar::new_vertical(
                s.clients as f64,
                p.min,
                p.median,
                p.max,
                color,
                8,
            ))
        }))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;

    let mut chart = ChartBuilder::on(&right)
        .caption(crate::tr!("bench-plot-latency"), ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range.log_scale(), (lat_low..lat_high).log_scale())?;
    chart
        .configure_mesh()
        .x_desc(crate::tr!("bench-plot-clients"))
        .light_line_style(TRANSPARENT)
        .y_label_formatter(&|v| super::table::millis(*v))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    for (i, label) in labels.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let line = |f: fn(&Summary) -> Option<f64>| -> Vec<(f64, f64)> {
            measured
                .iter()
                .filter(|s| s.server == i)
                .filter_map(|s| Some((s.clients as f64, f(s)?.max(lat_low))))
                .collect()
        };
        let p50 = line(|s| s.latency_ms.p50.map(|p| p.median));
        let p99 = line(|s| s.latency_ms.p99.map(|p| p.median));
        if p50.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(p50.clone(), color.stroke_width(2)))?
            .label(label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(p50.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
        chart.draw_series(DashedLineSeries::new(
            p99.clone(),
            6,
            4,
            color.stroke_width(2),
        ))?;
        chart.draw_series(
            p99.iter()
                .map(|&p| TriangleMarker::new(p, 5, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
