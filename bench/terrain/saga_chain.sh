#!/usr/bin/env bash
# SAGA 8.5 side of the TWI benchmark: Wang & Liu fill (MINSLOPE 0.1) -> MFD flow accumulation
# (METHOD 4, 1.1) -> ZT slope -> flow width / SCA (METHOD 2) -> TWI. Usage: saga_chain.sh DEM OUTDIR
set -euo pipefail
dem="$1"; o="$2"; mkdir -p "$o"
saga_cmd -f=q ta_preprocessor 4 -ELEV="$dem" -MINSLOPE=0.1 -FILLED="$o/filled.sdat" >/dev/null
saga_cmd -f=q ta_hydrology 0 -ELEVATION="$o/filled.sdat" -METHOD=4 -CONVERGENCE=1.1 -FLOW="$o/tca.sdat" >/dev/null
saga_cmd -f=q ta_morphometry 0 -ELEVATION="$o/filled.sdat" -METHOD=6 -SLOPE="$o/slope.sdat" -ASPECT="$o/aspect.sdat" >/dev/null
saga_cmd -f=q ta_hydrology 19 -DEM="$o/filled.sdat" -TCA="$o/tca.sdat" -METHOD=2 -WIDTH="$o/width.sdat" -SCA="$o/sca.sdat" >/dev/null
saga_cmd -f=q ta_hydrology 20 -SLOPE="$o/slope.sdat" -AREA="$o/sca.sdat" -TWI="$o/twi.sdat" >/dev/null
