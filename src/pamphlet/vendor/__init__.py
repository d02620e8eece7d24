"""Hand the pamphlet to the print vendor: imposition, page plan and the job package.

The stages, one module each:

1. job       (`job.py`)       brochure.yaml's paper: and job: -> Job (caliper, quantity,
                              delivery, contact, version, 校了), "to agree" where silent
2. sheets    (`sheets.py`)    page count + PrintSpec + caliper -> Imposition: which pages
                              share a sheet, side and half; each sheet's creep
3. impose    (`impose.py`)    the imposition proof: 2-up sheet sides with marks and creep
             (`dummy.py`)     the folded dummy on office paper
4. page plan (`pageplan.py`)  台割: thumbnails by sheet, definition, inks, FPO; JSON
5. package   (`package.py`)   build, check, write build/package/ and its zip

Commands: ``pamphlet impose`` (`proof.py`) and ``pamphlet package`` (`package.py`),
plugged into the CLI by cli.PLUGGED.
"""
